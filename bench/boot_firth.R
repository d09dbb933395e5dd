# Benchmark script (bench/run.sh; not run by CI): case-resampling bootstrap of a Firth logit,
# R refits per replicate with brglm2 (method = "brglmFit", type = "AS_mean"), driven by boot::boot.
# Usage: Rscript bench/boot_firth.R DATA.csv R_REPLICATES SEED OUT_COEF.csv
# Intervals as sovcost reports them: percentile and BCa (boot.ci) for each coefficient.
# Writes term,estimate,std_error,boot_sd (std_error from the full-sample fit, boot_sd the SD of
# the bootstrap replicates) to OUT_COEF.csv; timing on stderr.
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 4)
suppressPackageStartupMessages({ library(data.table); library(brglm2); library(boot) })
R <- as.integer(args[2]); set.seed(as.integer(args[3]))
t0 <- proc.time()[["elapsed"]]
d <- as.data.frame(fread(args[1], showProgress = FALSE))
model <- function(dd) glm(y ~ ., family = binomial(link = "logit"), data = dd,
                         method = "brglmFit", type = "AS_mean")
fit <- function(dd) {
  m <- model(dd)
  if (!m$converged) return(rep(NA_real_, ncol(dd)))
  coef(m)
}
m0 <- model(d)
stopifnot(m0$converged)
full <- coef(m0)
full_se <- summary(m0)$coefficients[, "Std. Error"]
t1 <- proc.time()[["elapsed"]]
b <- boot(d, function(dd, i) fit(dd[i, , drop = FALSE]), R = R)
ci <- lapply(seq_along(full), function(j) boot.ci(b, index = j, type = c("perc", "bca")))
t2 <- proc.time()[["elapsed"]]
failed <- sum(!stats::complete.cases(b$t))
fwrite(data.table(term = names(full), estimate = full, std_error = full_se,
                  boot_sd = apply(b$t, 2, sd, na.rm = TRUE)), args[4])
message(sprintf("timing read+fit=%.3f bootstrap=%.3f failed=%d", t1 - t0, t2 - t1, failed))
