# Reference profile penalized-likelihood intervals for George & Epstein (1992),
# court ~ dq + cr + pc + ag + sp + pe + cc + ap + dc + st + sg (Firth logit),
# traced on a fine grid so that the profile is the upper envelope of l*.
#
# The profile of coefficient j at v is max over the other coefficients of
#   l*(b) = sum(y*eta - log(1+exp(eta))) + 0.5*log det(X'WX),  b_j = v
# (penalty on the full design, as logistf). On this model l* restricted to
# b_j = v has two local maxima near some bounds; a fit started from the
# estimate with b_j replaced (logistf's start) can land on the lower one, so
# the profile seems to cross the cutoff early (the upper bounds of pc, sp and
# st about 0.6 % too small). Here every grid point, from the estimate out to
# past the cutoff in steps of se_j / 25, is fitted from several starts: the
# previous grid point's solution (continuation), the estimate with b_j
# replaced, zero, and 8 random starts (estimate + 1.5 se N(0,1), seeded), and
# the highest maximum is kept. The bound is then solved (uniroot, tol 1e-13)
# between the last two grid points, each evaluation started from both of
# their solutions, the estimate, zero and the random starts.
#
# Run from the repository root:  Rscript tests/r/firth_profile.R
# Needs: r-base-core, r-cran-brglm2 (Debian packages). Takes about 2 minutes.
# Writes tests/reference/firth_profile.csv (model,quantity,term,value).

suppressPackageStartupMessages(library(brglm2))
options(digits = 17)
num <- function(x) sprintf("%.17g", x)

info <- function(X, b) {
  mu <- plogis(as.vector(X %*% b))
  crossprod(X, (mu * (1 - mu)) * X)
}
pen_loglik <- function(X, y, b) {
  eta <- as.vector(X %*% b)
  l <- sum(y * plogis(eta, log.p = TRUE) + (1 - y) * plogis(-eta, log.p = TRUE))
  l + 0.5 * as.numeric(determinant(info(X, b), logarithm = TRUE)$modulus)
}
mod_score <- function(X, y, b) {
  mu <- plogis(as.vector(X %*% b))
  Q <- qr.Q(qr(sqrt(mu * (1 - mu)) * X))
  colSums((y - mu + rowSums(Q^2) * (0.5 - mu)) * X)
}
# Ascent on l* over `free` by steps (X'WX)[free, free]^-1 U*[free], capped at
# 5 in any coordinate, halved until l* does not decrease. NULL if it fails.
firth_newton <- function(X, y, b, free) {
  pl <- pen_loglik(X, y, b)
  for (it in 1:1000) {
    step <- as.vector(solve(info(X, b)[free, free, drop = FALSE],
                            mod_score(X, y, b)[free]))
    if (max(abs(step)) > 5) step <- step * 5 / max(abs(step))
    f <- 1
    repeat {
      nb <- b
      nb[free] <- b[free] + f * step
      npl <- pen_loglik(X, y, nb)
      if ((is.finite(npl) && npl >= pl - 1e-13 * abs(pl)) || f < 1e-10) break
      f <- f / 2
    }
    done <- max(abs(nb - b)) < 1e-13 * max(1, max(abs(nb)))
    b <- nb
    pl <- npl
    if (done) return(list(coef = b, pl = pl))
  }
  NULL
}
# The highest maximum of l* with b_j = v over the given starts.
best_fit <- function(X, y, j, v, starts) {
  best <- NULL
  for (s in starts) {
    s[j] <- v
    r <- tryCatch(firth_newton(X, y, s, seq_len(ncol(X))[-j]), error = function(e) NULL)
    if (!is.null(r) && (is.null(best) || r$pl > best$pl)) best <- r
  }
  best
}

george <- read.csv("tests/data/george_epstein.csv")
fit <- glm(court ~ dq + cr + pc + ag + sp + pe + cc + ap + dc + st + sg,
           family = binomial, data = george, method = "brglmFit",
           type = "AS_mean", control = list(epsilon = 1e-14, maxit = 1000))
X <- model.matrix(fit)
y <- fit$y
free_all <- seq_len(ncol(X))
bhat <- firth_newton(X, y, coef(fit), free_all)$coef
stopifnot(max(abs(bhat - coef(fit))) < 1e-10)
pl0 <- pen_loglik(X, y, bhat)
se <- sqrt(diag(solve(info(X, bhat))))
set.seed(20240601)
random <- lapply(1:8, function(k) bhat + 1.5 * se * rnorm(length(bhat)))

out <- list()
add <- function(quantity, term, value) {
  out[[length(out) + 1]] <<- data.frame(model = "george_epstein", quantity = quantity,
                                        term = term, value = num(value))
}
add("penalized_loglik", "", pl0)
for (j in free_all) {
  term <- names(bhat)[j]
  for (dir in c(-1, 1)) {
    h <- se[j] / 25
    prev <- list(coef = bhat, pl = pl0)
    grid <- list(list(v = bhat[j], fit = prev))
    repeat {
      v <- bhat[j] + dir * h * length(grid)
      cur <- best_fit(X, y, j, v, c(list(prev$coef, bhat, 0 * bhat), random))
      grid[[length(grid) + 1]] <- list(v = v, fit = cur)
      prev <- cur
      if (2 * (pl0 - cur$pl) > qchisq(0.95, 1) + 0.5) break
    }
    crit <- sapply(grid, function(g) 2 * (pl0 - g$fit$pl))
    for (level in c(0.95, 0.90)) {
      target <- qchisq(level, 1)
      k <- which(crit > target)[1]
      inner <- grid[[k - 1]]
      outer <- grid[[k]]
      starts <- c(list(inner$fit$coef, outer$fit$coef, bhat, 0 * bhat), random)
      g <- function(v) 2 * (pl0 - best_fit(X, y, j, v, starts)$pl) - target
      root <- uniroot(g, sort(c(inner$v, outer$v)), tol = 1e-13)$root
      naive <- function(v) {
        s <- bhat
        s[j] <- v
        2 * (pl0 - firth_newton(X, y, s, free_all[-j])$pl) - target
      }
      tag <- sprintf("profile%d_%s", round(100 * level), if (dir < 0) "low" else "high")
      add(tag, term, root)
      cat(sprintf("%-12s %-15s envelope %.10f; from the estimate alone the profile is %+.4f at it\n",
                  term, tag, root, naive(root)))
    }
  }
}
res <- do.call(rbind, out)
write.csv(res, "tests/reference/firth_profile.csv", row.names = FALSE)
cat("wrote tests/reference/firth_profile.csv\n")
