# Benchmark script (bench/run.sh; not run by CI): R's glm(y ~ ., binomial) on a CSV read with data.table::fread.
# Usage: Rscript bench/glm.R DATA.csv OUT_COEF.csv
# Writes term,estimate,std_error to OUT_COEF.csv and "timing read=<s> fit=<s>" on stderr.
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 2)
suppressPackageStartupMessages(library(data.table))
t0 <- proc.time()[["elapsed"]]
d <- fread(args[1], showProgress = FALSE)
t1 <- proc.time()[["elapsed"]]
m <- glm(y ~ ., family = binomial(link = "logit"), data = d)
s <- summary(m)$coefficients
t2 <- proc.time()[["elapsed"]]
stopifnot(m$converged)
fwrite(data.table(term = rownames(s), estimate = s[, "Estimate"], std_error = s[, "Std. Error"]),
       args[2])
message(sprintf("timing read=%.3f fit=%.3f", t1 - t0, t2 - t1))
