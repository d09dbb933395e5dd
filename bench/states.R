# The models of bench/states.rs in R (glm, sandwich::vcovCL), on the CSV files
# it writes: Rscript bench/states.R [DIR]  (default bench/data/states).
# Prints wall seconds and the China x cost coefficient with its SEs, to set
# beside the Rust figures. Not a test.
suppressPackageStartupMessages({ library(sandwich); library(data.table) })
dir <- commandArgs(TRUE)[1]
if (is.na(dir)) dir <- "bench/data/states"
st <- fread(file.path(dir, "state_panel.csv"), na.strings = "NA")
sy <- fread(file.path(dir, "state_year_panel.csv"), na.strings = "NA")
run <- function(label, formula, data, cluster) {
  t0 <- proc.time()[["elapsed"]]
  fit <- glm(formula, family = binomial, data = data,
             control = glm.control(epsilon = 1e-10, maxit = 100))
  v <- vcovCL(fit, cluster = as.data.frame(data)[, cluster, drop = FALSE])
  t1 <- proc.time()[["elapsed"]]
  b <- coef(fit)[["sovereignty_cost:china"]]
  se <- sqrt(diag(v))[["sovereignty_cost:china"]]
  cat(sprintf("| %s (n = %d) | %.3f | %.6f | %.6f |\n", label, nobs(fit), t1 - t0, b, se))
}
cat("| fit | seconds | coefficient of sovereignty_cost:china | SE |\n|---|---|---|---|\n")
f1 <- joined ~ sovereignty_cost + factor(state) + sovereignty_cost:china
run("pooled, cluster:treaty_id", f1, st, "treaty_id")
run("pooled, cluster:state+treaty_id", f1, st, c("state", "treaty_id"))
f2 <- event ~ sovereignty_cost * china + log_duration
run("hazard, cluster:treaty_id", f2, sy, "treaty_id")
run("hazard, cluster:state+treaty_id", f2, sy, c("state", "treaty_id"))
