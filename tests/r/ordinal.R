# Reference values for the ordered (cumulative) logit, computed with
# ordinal::clm (the primary reference) and MASS::polr, sandwich and
# ordinal::nominal_test.
#
# Run from the repository root:  Rscript tests/r/ordinal.R
# Needs (Debian packages): r-base-core, r-cran-ordinal, r-cran-mass,
# r-cran-sandwich, r-cran-numderiv, r-cran-cardata.
# Writes tests/data/{wvs,housing,wine,ordinal_separated}.csv and
# tests/reference/ordinal.csv (long format: model,quantity,term,value).
#
# Conventions (those sovcost follows):
# - logit P(Y <= k) = zeta_k - x'beta (clm and polr);
# - robust covariances from sandwich's estfun.clm / bread.clm methods:
#   HC0 = sandwich(fit), HC1 = sandwich(fit, adjust = TRUE) (n / (n - k), k
#   all parameters), cluster = vcovCL(fit, cluster = ~g) (type HC0, G/(G-1));
# - profile intervals: the exact roots of 2 (l_hat - l(b)) = qchisq(level, 1),
#   l(b) from clm refits with the coefficient's column as an offset, solved
#   by uniroot (tol 1e-12); confint(clm) (a spline through a profile grid)
#   is recorded too, as clm_profile95_*;
# - predicted probabilities and their SEs: predict(clm, type = "prob",
#   se.fit = TRUE) (delta method); intervals p -/+ z se;
# - average marginal effects on P(Y = j): the mean over rows of
#   dP(Y = j)/dx (analytic in x) for a numeric variable and of
#   P(Y = j | level) - P(Y = j | reference) for a factor, as marginaleffects'
#   avg_slopes/avg_comparisons; SEs by the delta method with the Jacobian in
#   the parameters computed numerically (numDeriv::jacobian, Richardson
#   extrapolation), independently of sovcost's analytic gradient;
# - the proportional-odds test: ordinal::nominal_test (LR statistic, df, p).

suppressPackageStartupMessages({
  library(ordinal)
  library(MASS)
  library(sandwich)
  library(numDeriv)
})
options(digits = 17)

num <- function(x) sprintf("%.17g", x)
out <- list()
add <- function(model, quantity, term, value) {
  out[[length(out) + 1]] <<- data.frame(model = model, quantity = quantity,
                                        term = term, value = num(value))
}
ctrl <- clm.control(gradTol = 1e-10, relTol = 1e-14, maxIter = 500)
ctrl_nominal <- clm.control(gradTol = 1e-10, maxIter = 500)
# Levels as sovcost sorts them (byte order), the reference first.
clevels <- function(x, ref = NULL) {
  l <- sort(unique(as.character(x)), method = "radix")
  if (is.null(ref)) l else c(ref, setdiff(l, ref))
}

# Data sets --------------------------------------------------------------
# (a) World Values Survey (carData::WVS; Fox & Andersen 2006, from the 1995-97
# wave): "Do you think that what the government is doing for people in
# poverty in this country is about the right amount, too much, or too
# little?" 0 = too little, 1 = about right, 2 = too much.
data(WVS, package = "carData")
wvs <- data.frame(poverty = as.integer(WVS$poverty) - 1L,
                  religion = as.character(WVS$religion),
                  degree = as.character(WVS$degree),
                  country = as.character(WVS$country),
                  age = WVS$age,
                  gender = as.character(WVS$gender))
write.csv(wvs, "tests/data/wvs.csv", row.names = FALSE)

# (b) MASS::housing (Madsen 1976), satisfaction of 1681 tenants, expanded
# from the frequency table to one row per tenant: 0 = low, 1 = medium, 2 = high.
hs <- housing[rep(seq_len(nrow(housing)), housing$Freq), ]
housing_rows <- data.frame(sat = as.integer(hs$Sat) - 1L,
                           infl = as.character(hs$Infl),
                           type = as.character(hs$Type),
                           cont = as.character(hs$Cont))
write.csv(housing_rows, "tests/data/housing.csv", row.names = FALSE)

# (b') ordinal::wine (Randall 1989): bitterness rating 1-5 of 72 tastings
# by 9 judges, as 0-4.
wine_rows <- data.frame(rating = as.integer(wine$rating) - 1L,
                        temp = as.character(wine$temp),
                        contact = as.character(wine$contact),
                        judge = as.integer(as.character(wine$judge)))
write.csv(wine_rows, "tests/data/wine.csv", row.names = FALSE)

# (c) Quasi-separated (synthetic, no random numbers): every row with g == 1
# (8 rows) is at the top level 2; rows with g == 0 have all three levels.
xs <- c(-1.6, -1.2, -0.9, -0.7, -0.4, -0.2, 0.1, 0.3, 0.5, 0.8,
        1.0, 1.3, -1.4, -0.5, 0.0, 0.6, 1.1, 1.5, -1.0, 0.4,
        0.9, -0.3, 0.2, 1.2, -0.8, 0.7, -0.1, 0.35, 1.4, -0.6, 0.15, 0.95)
ys <- c(0, 0, 1, 0, 1, 0, 2, 1, 1, 2, 1, 2, 0, 0, 1, 2, 1, 2, 0, 1,
        2, 1, 0, 2, 1, 1, 2, 0, 2, 1, 1, 0)
gs <- c(rep(0, 24), rep(1, 8))
ys[gs == 1] <- 2
sep <- data.frame(y = as.integer(ys), x = xs, g = gs)
write.csv(sep, "tests/data/ordinal_separated.csv", row.names = FALSE)

# Helpers ------------------------------------------------------------------
as_outcome <- function(y) factor(y, levels = sort(unique(y)), ordered = TRUE)

# The exact profile bound of coefficient `term` in direction dir.
profile_bound <- function(fit, d, resp, term, dir, level) {
  X <- model.matrix(fit)$X[, -1, drop = FALSE]
  ll0 <- as.numeric(logLik(fit))
  se <- sqrt(diag(vcov(fit)))[term]
  b0 <- coef(fit)[term]
  others <- X[, colnames(X) != term, drop = FALSE]
  xc <- X[, term]
  y <- d[[resp]]
  target <- qchisq(level, 1)
  # clm's offset is added to x'beta: logit P(Y <= k) = zeta_k - x'beta - offset.
  crit <- function(b) {
    off <- b * xc
    f <- if (ncol(others) > 0) clm(y ~ others + offset(off), control = ctrl)
         else clm(y ~ offset(off), control = ctrl)
    2 * (ll0 - as.numeric(logLik(f))) - target
  }
  stopifnot(abs(crit(b0) + target) < 1e-9)
  hi <- b0 + dir * se
  while (crit(hi) < 0) hi <- b0 + 2 * (hi - b0)
  uniroot(crit, sort(c(b0, hi)), tol = 1e-12)$root
}

# Level probabilities at design rows X (no intercept) for theta = (zeta, beta).
level_probs <- function(theta, X, K) {
  zeta <- theta[1:K]
  eta <- as.vector(X %*% theta[-(1:K)])
  cum <- cbind(0, sapply(1:K, function(k) plogis(zeta[k] - eta)), 1)
  cum[, -1, drop = FALSE] - cum[, -(K + 2), drop = FALSE]
}
level_dens <- function(theta, X, K) {
  zeta <- theta[1:K]
  eta <- as.vector(X %*% theta[-(1:K)])
  dens <- cbind(0, sapply(1:K, function(k) dlogis(zeta[k] - eta)), 0)
  dens[, -1, drop = FALSE] - dens[, -(K + 2), drop = FALSE]
}

# AMEs of every variable on every level (see the header), with delta-method SEs.
ames <- function(model, fit, d, numeric_vars, factor_vars) {
  X <- model.matrix(fit)$X[, -1, drop = FALSE]
  K <- length(fit$alpha)
  theta <- c(fit$alpha, fit$beta)
  V <- vcov(fit)
  report <- function(label, f) {
    est <- f(theta)
    J <- jacobian(f, theta)
    se <- sqrt(diag(J %*% V %*% t(J)))
    for (j in seq_along(est)) {
      add(model, "ame", sprintf("%s:%d", label, j - 1), est[j])
      add(model, "ame_se", sprintf("%s:%d", label, j - 1), se[j])
    }
  }
  for (v in numeric_vars) {
    report(v, function(th) colMeans(-level_dens(th, X, K) * th[K + which(colnames(X) == v)]))
  }
  for (v in factor_vars) {
    lv <- levels(d[[v]])
    for (l in lv[-1]) {
      d1 <- d; d1[[v]] <- factor(l, levels = lv)
      d0 <- d; d0[[v]] <- factor(lv[1], levels = lv)
      X1 <- model.matrix(fit$terms, d1)[, -1, drop = FALSE]
      X0 <- model.matrix(fit$terms, d0)[, -1, drop = FALSE]
      report(sprintf("%s[%s - %s]", v, l, lv[1]),
             function(th) colMeans(level_probs(th, X1, K) - level_probs(th, X0, K)))
    }
  }
}

# Everything for one model.
reference <- function(model, formula, d, resp, cluster = NULL, predictions = list(),
                      numeric_vars = character(), factor_vars = character()) {
  fit <- clm(formula, data = d, control = ctrl)
  stopifnot(fit$convergence$code == 0)
  K <- length(fit$alpha)
  add(model, "n", "", fit$nobs)
  add(model, "levels", "", K + 1)
  add(model, "max_gradient", "", max(abs(fit$gradient)))
  add(model, "log_likelihood", "", as.numeric(logLik(fit)))
  add(model, "aic", "", AIC(fit))
  add(model, "bic", "", BIC(fit))
  null <- clm(update(formula, . ~ 1), data = d, control = ctrl)
  add(model, "null_log_likelihood", "", as.numeric(logLik(null)))
  est <- coef(fit)
  se <- sqrt(diag(vcov(fit)))
  z <- est / se
  q <- qnorm(0.975)
  for (t in names(est)) {
    add(model, "estimate", t, est[t])
    add(model, "se_model", t, se[t])
    add(model, "z_model", t, z[t])
    add(model, "p_model", t, 2 * pnorm(-abs(z[t])))
    add(model, "wald95_low", t, est[t] - q * se[t])
    add(model, "wald95_high", t, est[t] + q * se[t])
  }
  add_se <- function(quantity, V) {
    s <- sqrt(diag(V))
    for (t in names(est)) add(model, quantity, t, s[t])
  }
  add_se("se_hc0", sandwich(fit))
  add_se("se_hc1", sandwich(fit, adjust = TRUE))
  if (!is.null(cluster)) add_se("se_cluster", vcovCL(fit, cluster = d[[cluster]]))
  # Profile intervals of the coefficients.
  ci <- confint(fit, level = 0.95)
  for (t in names(fit$beta)) {
    add(model, "profile95_low", t, profile_bound(fit, d, resp, t, -1, 0.95))
    add(model, "profile95_high", t, profile_bound(fit, d, resp, t, 1, 0.95))
    add(model, "clm_profile95_low", t, ci[t, 1])
    add(model, "clm_profile95_high", t, ci[t, 2])
  }
  # Predictions.
  for (label in names(predictions)) {
    nd <- predictions[[label]]
    pr <- predict(fit, newdata = nd, type = "prob", se.fit = TRUE)
    for (j in seq_len(K + 1)) {
      term <- sprintf("%s:%d", label, j - 1)
      add(model, "pred_prob", term, pr$fit[1, j])
      add(model, "pred_se", term, pr$se.fit[1, j])
    }
  }
  ames(model, fit, d, numeric_vars, factor_vars)
  # Proportional-odds tests: each term's model with level-specific (nominal)
  # coefficients, as ordinal::nominal_test fits it (checked against
  # nominal_test below), with a tight gradient tolerance.
  tl <- attr(terms(formula), "term.labels")
  for (t in tl) {
    loc <- if (length(tl) > 1) reformulate(setdiff(tl, t), response = resp)
           else as.formula(paste(resp, "~ 1"))
    # A nominal model can be separated (wine: no cold wine is rated 4), so
    # that its level-specific coefficients diverge while its log-likelihood
    # converges to a finite supremum: clm then reports code 1 (singular
    # Hessian) with the log-likelihood at the supremum, as nominal_test does.
    nf <- suppressWarnings(clm(loc, nominal = reformulate(t), data = d, control = ctrl_nominal))
    stopifnot(nf$convergence$code %in% c(0, 1), max(abs(nf$gradient)) < 1e-6)
    add(model, "nominal_code", t, nf$convergence$code)
    add(model, "nominal_lr", t, 2 * (as.numeric(logLik(nf)) - as.numeric(logLik(fit))))
    add(model, "nominal_df", t, nf$edf - fit$edf)
    add(model, "nominal_p", t, pchisq(2 * (as.numeric(logLik(nf)) - as.numeric(logLik(fit))),
                                      nf$edf - fit$edf, lower.tail = FALSE))
  }
  # MASS::polr with a tight optimiser tolerance (BFGS; its Hessian is
  # numerical, optimHess).
  pf <- polr(formula, data = d, Hess = TRUE, control = list(reltol = 1e-15, maxit = 10000))
  pcoef <- c(pf$zeta, coef(pf))
  pse <- sqrt(diag(vcov(pf)))[c(names(pf$zeta), names(coef(pf)))]
  for (t in names(pcoef)) {
    add(model, "polr_estimate", t, pcoef[t])
    add(model, "polr_se", t, pse[t])
  }
  add(model, "polr_log_likelihood", "", as.numeric(logLik(pf)))
  ph0 <- sqrt(diag(sandwich(pf)))
  for (t in names(ph0)) add(model, "polr_se_hc0", t, ph0[t])
  cat(sprintf("%-12s clm logLik %.10f polr logLik %.10f max|coef diff| %.2e max rel SE diff %.2e\n",
              model, logLik(fit), logLik(pf),
              max(abs(pcoef[names(est)] - est)), max(abs(pse[names(est)] / se - 1))))
  fit
}

# Models ------------------------------------------------------------------
# nominal_test on a fit at the top level, to show the refits above are its.
wvs_check <- read.csv("tests/data/wvs.csv")
wvs_check$poverty <- factor(wvs_check$poverty, ordered = TRUE)
print(nominal_test(clm(poverty ~ religion + degree + country + age + gender, data = wvs_check)))

wvs$poverty <- as_outcome(wvs$poverty)
for (v in c("religion", "degree", "country", "gender")) wvs[[v]] <- factor(wvs[[v]], levels = clevels(wvs[[v]]))
means <- data.frame(religion = factor("no", levels(wvs$religion)),
                    degree = factor("no", levels(wvs$degree)),
                    country = factor("Australia", levels(wvs$country)),
                    age = mean(wvs$age),
                    gender = factor("female", levels(wvs$gender)))
usa30 <- means
usa30$country <- factor("USA", levels(wvs$country))
usa30$age <- 30
usa30$religion <- factor("yes", levels(wvs$religion))
reference("wvs", poverty ~ religion + degree + country + age + gender, wvs, "poverty",
          predictions = list(means = means, "country=USA,age=30,religion=yes" = usa30),
          numeric_vars = "age", factor_vars = c("religion", "country"))
reference("wvs_cluster", poverty ~ religion + degree + age + gender, wvs, "poverty",
          cluster = "country")

hr <- housing_rows
hr$sat <- as_outcome(hr$sat)
hr$infl <- factor(hr$infl, levels = clevels(hr$infl, "Low"))
hr$type <- factor(hr$type, levels = clevels(hr$type, "Tower"))
hr$cont <- factor(hr$cont, levels = clevels(hr$cont, "Low"))
reference("housing", sat ~ infl + type + cont, hr, "sat",
          predictions = list(means = data.frame(infl = factor("Low", levels(hr$infl)),
                                                type = factor("Tower", levels(hr$type)),
                                                cont = factor("Low", levels(hr$cont)))),
          factor_vars = "infl")

wr <- wine_rows
wr$rating <- as_outcome(wr$rating)
wr$temp <- factor(wr$temp, levels = clevels(wr$temp))
wr$contact <- factor(wr$contact, levels = clevels(wr$contact))
reference("wine", rating ~ temp + contact, wr, "rating", cluster = "judge",
          predictions = list("temp=warm" = data.frame(temp = factor("warm", levels(wr$temp)),
                                                      contact = factor("no", levels(wr$contact)))),
          factor_vars = c("temp", "contact"))

# Separation: what R does, and the limit of the finite estimates.
sp <- sep
sp$y <- as_outcome(sp$y)
sfit <- suppressWarnings(clm(y ~ x + g, data = sp))
add("separated", "clm_estimate", "g", coef(sfit)["g"])
add("separated", "clm_se", "g", sqrt(diag(vcov(sfit)))["g"])
add("separated", "clm_convergence_code", "", sfit$convergence$code)
cat("clm on the separated data:\n"); print(summary(sfit)$coefficients)
print(sfit$convergence$messages)
pfit <- suppressWarnings(polr(y ~ x + g, data = sp, Hess = TRUE))
add("separated", "polr_estimate", "g", coef(pfit)["g"])
cat("polr on the separated data:\n"); print(coef(pfit))
lim <- clm(y ~ x, data = sp[sp$g == 0, ], control = ctrl)
lest <- coef(lim)
lse <- sqrt(diag(vcov(lim)))
for (t in names(lest)) {
  add("separated", "limit_estimate", t, lest[t])
  add("separated", "limit_se", t, lse[t])
}
add("separated", "limit_log_likelihood", "", as.numeric(logLik(lim)))

res <- do.call(rbind, out)
write.csv(res, "tests/reference/ordinal.csv", row.names = FALSE)
cat("wrote tests/reference/ordinal.csv:", nrow(res), "values\n")
