# Reference values for the logit core, computed with R's glm, sandwich and
# exact (root-solved) profile-likelihood intervals.
#
# Run from the repository root:  Rscript tests/r/reference.R
# Needs: r-base-core, r-cran-sandwich (Debian packages).
# Writes tests/data/infert.csv, tests/data/weisiger_na.csv and
# tests/reference/logit_ml.csv (long format: model,quantity,term,value).

suppressPackageStartupMessages(library(sandwich))
options(digits = 17)

ctrl <- glm.control(epsilon = 1e-14, maxit = 100)
num <- function(x) sprintf("%.17g", x)
out <- list()
add <- function(model, quantity, term, value) {
  out[[length(out) + 1]] <<- data.frame(model = model, quantity = quantity,
                                        term = term, value = num(value))
}

# Datasets --------------------------------------------------------------
weisiger <- read.csv("tests/data/weisiger.csv")
george <- read.csv("tests/data/george_epstein.csv")

# infert (R's datasets package): education as text; stratum as a cluster id.
data(infert)
inf <- data.frame(case = infert$case, age = infert$age, parity = infert$parity,
                  education = as.character(infert$education),
                  spontaneous = infert$spontaneous, induced = infert$induced,
                  stratum = infert$stratum)
write.csv(inf, "tests/data/infert.csv", row.names = FALSE)

# weisiger with missing cells, for listwise deletion.
wna <- weisiger
wna$terrain[c(3, 17)] <- NA
wna$coord[29] <- NA
write.csv(wna, "tests/data/weisiger_na.csv", row.names = FALSE, na = "NA")

# Levels sorted as sovcost sorts them (byte order, i.e. the C locale).
clevels <- function(x) sort(unique(x), method = "radix")
inf$education <- factor(inf$education, levels = clevels(inf$education))

# Newton-Raphson with step-halving for a logit with an offset (glm.fit has no
# step-halving on a deviance increase and can stop far from the optimum on the
# outer part of a profile).
newton_logit <- function(X, y, offset, start) {
  dev_of <- function(b) {
    eta <- as.vector(X %*% b) + offset
    -2 * sum(y * plogis(eta, log.p = TRUE) + (1 - y) * plogis(-eta, log.p = TRUE))
  }
  b <- start
  dev <- dev_of(b)
  for (it in 1:500) {
    eta <- as.vector(X %*% b) + offset
    mu <- plogis(eta)
    w <- mu * (1 - mu)
    H <- crossprod(X, w * X)
    g <- crossprod(X, y - mu)
    # Far out on a profile, weights can underflow; fall back to a pseudo-inverse.
    step <- tryCatch(solve(H, g), error = function(e) MASS::ginv(H) %*% g)
    f <- 1
    repeat {
      nb <- b + f * as.vector(step)
      nd <- dev_of(nb)
      if (is.finite(nd) && nd <= dev + 1e-12 * abs(dev) || f < 1e-9) break
      f <- f / 2
    }
    done <- abs(nd - dev) / (abs(nd) + 0.1) < 1e-15 && max(abs(nb - b)) < 1e-12 * max(1, abs(nb))
    b <- nb
    dev <- nd
    if (done) break
  }
  list(coef = b, deviance = dev)
}

exact_profile <- function(fit, j, level) {
  X <- model.matrix(fit)
  y <- fit$y
  dev0 <- deviance(fit)
  b0 <- coef(fit)[j]
  se <- sqrt(diag(vcov(fit)))[j]
  target <- qchisq(level, 1)
  f <- function(b) {
    off <- b * X[, j]
    Xr <- X[, -j, drop = FALSE]
    g <- newton_logit(Xr, y, off, coef(fit)[-j])
    g$deviance - dev0 - target
  }
  side <- function(dir) {
    step <- se
    inner <- b0
    repeat {
      outer <- b0 + dir * step
      if (f(outer) > 0) break
      inner <- outer
      step <- step * 2
    }
    uniroot(f, sort(c(inner, outer)), tol = 1e-13)$root
  }
  c(side(-1), side(1))
}

record <- function(name, formula, data, cluster = NULL, predict_at = list(),
                   lr_terms = TRUE) {
  fit0 <- glm(formula, family = binomial(), data = data, control = ctrl)
  # glm computes its covariance from the working weights of the last IRLS
  # iteration, i.e. at the previous iterate. One more iteration started at the
  # estimate puts the weights (and so vcov and sandwich's bread) at the
  # estimate itself.
  fit <- suppressWarnings(glm(formula, family = binomial(), data = data,
                              start = coef(fit0), control = glm.control(maxit = 1)))
  stopifnot(max(abs(coef(fit) - coef(fit0))) < 1e-10)
  X <- model.matrix(fit)
  beta <- coef(fit)
  terms_ <- names(beta)
  V <- vcov(fit)
  add(name, "n", "", nobs(fit))
  add(name, "n_dropped", "", length(fit$na.action))
  add(name, "log_likelihood", "", as.numeric(logLik(fit)))
  add(name, "deviance", "", deviance(fit))
  add(name, "null_deviance", "", fit$null.deviance)
  add(name, "aic", "", AIC(fit))
  add(name, "bic", "", BIC(fit))
  null_ll <- -fit$null.deviance / 2
  add(name, "null_log_likelihood", "", null_ll)
  add(name, "mcfadden_r2", "", 1 - as.numeric(logLik(fit)) / null_ll)
  mu <- fitted(fit)
  add(name, "tjur_r2", "", mean(mu[fit$y == 1]) - mean(mu[fit$y == 0]))
  for (k in seq_along(beta)) {
    add(name, "estimate", terms_[k], beta[k])
    add(name, "se_model", terms_[k], sqrt(V[k, k]))
    z <- beta[k] / sqrt(V[k, k])
    add(name, "z_model", terms_[k], z)
    add(name, "p_model", terms_[k], 2 * pnorm(-abs(z)))
  }
  ci95 <- confint.default(fit, level = 0.95)
  ci90 <- confint.default(fit, level = 0.90)
  for (k in seq_along(beta)) {
    add(name, "wald95_low", terms_[k], ci95[k, 1])
    add(name, "wald95_high", terms_[k], ci95[k, 2])
    add(name, "wald90_low", terms_[k], ci90[k, 1])
    add(name, "wald90_high", terms_[k], ci90[k, 2])
    pr <- exact_profile(fit, k, 0.95)
    add(name, "profile95_low", terms_[k], pr[1])
    add(name, "profile95_high", terms_[k], pr[2])
  }
  for (type in c("HC0", "HC1", "HC2", "HC3")) {
    Vh <- vcovHC(fit, type = type)
    for (k in seq_along(beta)) add(name, paste0("se_", tolower(type)), terms_[k], sqrt(Vh[k, k]))
  }
  if (!is.null(cluster)) {
    Vc <- vcovCL(fit, cluster = data[[cluster]][as.integer(rownames(X))])
    for (k in seq_along(beta)) add(name, "se_cluster", terms_[k], sqrt(Vc[k, k]))
  }
  if (lr_terms) {
    d1 <- drop1(fit0, test = "LRT")
    for (t in rownames(d1)[-1]) {
      add(name, "lr_stat", t, d1[t, "LRT"])
      add(name, "lr_p", t, d1[t, "Pr(>Chi)"])
    }
  }
  # Predictions: numeric variables at their mean over the rows used, factors
  # at their reference level, then the given values.
  mf <- model.frame(fit)
  for (label in names(predict_at)) {
    nd <- mf[1, , drop = FALSE]
    for (v in names(mf)[-1]) {
      if (is.factor(mf[[v]])) nd[[v]] <- factor(levels(mf[[v]])[1], levels = levels(mf[[v]]))
      else nd[[v]] <- mean(mf[[v]])
    }
    vals <- predict_at[[label]]
    for (v in names(vals)) {
      if (is.factor(mf[[v]])) nd[[v]] <- factor(vals[[v]], levels = levels(mf[[v]]))
      else nd[[v]] <- vals[[v]]
    }
    x0 <- model.matrix(delete.response(terms(fit)), nd)
    eta <- sum(x0 * beta)
    se <- sqrt(as.numeric(x0 %*% V %*% t(x0)))
    q <- qnorm(0.975)
    add(name, "pred_prob", label, plogis(eta))
    add(name, "pred_se", label, dlogis(eta) * se)
    add(name, "pred_low", label, plogis(eta - q * se))
    add(name, "pred_high", label, plogis(eta + q * se))
  }
  # Average marginal effects (delta method), numeric variables only.
  for (v in names(mf)[-1]) {
    if (is.factor(mf[[v]])) next
    h <- 1e-4 * max(1, sd(mf[[v]]))
    up <- mf; up[[v]] <- up[[v]] + h
    dn <- mf; dn[[v]] <- dn[[v]] - h
    tt <- delete.response(terms(fit))
    dX <- (model.matrix(tt, up) - model.matrix(tt, dn)) / (2 * h)
    eta <- as.vector(X %*% beta)
    m <- plogis(eta)
    d1 <- m * (1 - m)
    d2 <- d1 * (1 - 2 * m)
    dd <- as.vector(dX %*% beta)
    ame <- mean(d1 * dd)
    grad <- colMeans(d2 * dd * X + d1 * dX)
    add(name, "ame", v, ame)
    add(name, "ame_se", v, sqrt(as.numeric(t(grad) %*% V %*% grad)))
  }
}

record("weisiger", resist ~ polity_conq + lndist + terrain + soldperterr + gdppc2 + coord,
       weisiger, predict_at = list("means" = list(), "coord=1" = list(coord = 1)))
record("george_epstein", court ~ dq + cr + pc + ag + sp + pe + cc + ap + dc + st + sg,
       george, predict_at = list("means" = list()))
record("infert", case ~ spontaneous + induced + education + age, inf, cluster = "stratum",
       predict_at = list("means" = list(), "spontaneous=2,education=6-11yrs" =
                           list(spontaneous = 2, education = "6-11yrs")))
inf2 <- inf
inf2$education <- relevel(inf2$education, ref = "6-11yrs")
record("infert_interaction", case ~ spontaneous * induced + education, inf2,
       cluster = "stratum")
record("weisiger_na", resist ~ polity_conq + lndist + terrain + soldperterr + gdppc2 + coord,
       wna)
record("george_epstein_noint", court ~ dq + cr + pc - 1, george, lr_terms = FALSE)

res <- do.call(rbind, out)
write.csv(res, "tests/reference/logit_ml.csv", row.names = FALSE, quote = TRUE)
cat("wrote", nrow(res), "reference values\n")
