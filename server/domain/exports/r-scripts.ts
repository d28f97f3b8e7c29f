// The export's R scripts: load.R (every CSV from the script's own folder, with variable labels and factor levels) and analysis.R (the arm-comparison report's models re-run with estimatr and clubSandwich, printed as JSON).
import type { ReportEstimate } from '../../../reports/view-models/arm-comparison';
import type { ExportTable } from './export-tables';
import { safeName } from './export-tables';

const r = (s: string) => JSON.stringify(s);

/** Finds the folder of the running script under Rscript and under source(). */
const scriptDir = `dslkit_dir <- local({
  f <- sub("^--file=", "", grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE))
  of <- tryCatch(sys.frame(1)$ofile, error = function(e) NULL)
  if (!is.null(of)) dirname(normalizePath(of)) else if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})`;

export function loadR(trialId: string, tables: ExportTable[]): string {
  const blocks = tables.map((t) => {
    const vars = t.variables.filter((v) => !v.variable.includes(':'));
    const classes = vars.map((v) => `${v.variable} = ${r(v.type === 'string' ? 'character' : v.type === 'integer' ? 'integer' : 'numeric')}`).join(', ');
    const factors = vars.filter((v) => v.type === 'string' && v.values?.length).map((v) =>
      `  ${t.name}$${v.variable} <- factor(${t.name}$${v.variable}, levels = c(${v.values!.map((x) => r(String(x.code))).join(', ')}), labels = c(${v.values!.map((x) => r(x.label)).join(', ')}))`);
    const labels = vars.map((v) => `    ${v.variable} = ${r(v.label)}`).join(',\n');
    return `${t.name} <- dslkit_read(${r(`${t.name}.csv`)}, c(${classes}))
if (nrow(${t.name}) > 0) {
${factors.join('\n')}
}
${t.name} <- dslkit_label(${t.name}, list(
${labels}
))`;
  });
  return `# Loads the dslkit export of trial ${trialId} from the folder this script is in (whatever the folder or zip was
# called): ${tables.map((t) => `${t.name}.csv`).join(', ')}, each with variable labels (attr "label") and
# factors whose levels are in the codebook's order. Base R only.
# Run: Rscript load.R   or, from R: source("path/to/load.R")
${scriptDir}
dslkit_read <- function(file, classes) {
  d <- read.csv(file.path(dslkit_dir, file), stringsAsFactors = FALSE, na.strings = "", encoding = "UTF-8", check.names = FALSE)
  for (v in intersect(names(classes), names(d))) d[[v]] <- methods::as(d[[v]], classes[[v]])
  d
}
dslkit_label <- function(d, labels) {
  for (v in intersect(names(labels), names(d))) attr(d[[v]], "label") <- labels[[v]]
  d
}
${blocks.join('\n\n')}
cat(sprintf("dslkit export ${trialId}: %s\\n", paste(sprintf("%s %d rows", c(${tables.map((t) => r(t.name)).join(', ')}), c(${tables.map((t) => `nrow(${t.name})`).join(', ')})), collapse = ", ")))
`;
}

/** The column names analysis.R uses for one outcome of the report. */
export function analysisColumns(e: ReportEstimate): { table: 'schools' | 'dsls_wide'; y: string; baseline: string | null } {
  if (e.kind === 'proportion') {
    const m = e.key.slice('admin:'.length);
    return { table: 'schools', y: safeName(m, 'y'), baseline: e.model.baseline ? safeName(m, 'baseline') : null };
  }
  const [id, scale] = e.key.split(':');
  return { table: 'dsls_wide', y: safeName(`${id}_${scale}`, 'end'), baseline: e.model.baseline ? safeName(`${id}_${scale}`, 'bl') : null };
}

export function analysisR(trialId: string, estimates: { primary: ReportEstimate | null; secondary: ReportEstimate[] }): string {
  const call = (e: ReportEstimate) => {
    const c = analysisColumns(e);
    return `fit_outcome(${r(e.key)}, ${r(e.kind)}, ${c.table}, y = ${r(c.y)}, baseline = ${c.baseline ? r(c.baseline) : 'NULL'}, strata = ${e.model.strata ? 'TRUE' : 'FALSE'}, cluster = ${r(e.model.cluster === 'la' ? 'la_code' : 'school_id')}, se = ${r(e.model.se_type)}, es = ${r(e.model.effect_size)})`;
  };
  return `# Re-runs the arm-comparison report of trial ${trialId} in R: the primary and every secondary outcome's model, as the
# report fits it (intention to treat; outcome on baseline, strata dummies and arm; clustered by school, or by local
# authority (la_code) when LAs were randomised), and prints the
# estimates as JSON with the same fields as \`dslkit report arm-comparison --trial ${trialId} --json\`.
#   Administrative outcomes (schools.csv): the proportion of pupils, one row per school, frequency weights = pupils.
#     CR1: estimatr::lm_robust(se_type = "stata") on the pupil-level expansion (frequency weights, N = pupils).
#     CR2: clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite") of the pupil-level expansion, computed on
#          the school rows with sqrt(pupils) times outcome and every column (the expansion's rows within a school
#          are identical, so its CR2 adjustment acts on school-constant vectors only); when clustering by school
#          this equals coef_test(lm(weights = pupils), inverse_var = TRUE), and it stays right when an LA's
#          schools have different pupil numbers.
#   Survey outcomes (dsls_wide.csv, which leaves out erased DSLs): the endline score per DSL, baseline score as covariate.
#   Effect size: Glass's delta (the control group's SD; for a proportion the pupil-level 0/1 SD sqrt(p(1-p)N/(N-1)))
#     or Hedges' g (pooled SD times J = 1 - 3/(4m - 1)), the estimate and its CI divided by it.
# Needs R with estimatr, clubSandwich and jsonlite (Debian: r-cran-estimatr r-cran-clubsandwich r-cran-jsonlite).
# Run: Rscript analysis.R
suppressPackageStartupMessages({ library(estimatr); library(clubSandwich); library(jsonlite) })
${scriptDir}
invisible(capture.output(source(file.path(dslkit_dir, "load.R"))))

fit_outcome <- function(key, kind, d, y, baseline, strata, cluster, se, es) {
  d <- d[!is.na(d$arm), , drop = FALSE]
  d$y <- d[[y]]
  d$arm01 <- as.integer(as.integer(d$arm) == 2L)
  d$cluster_id <- as.character(d[[cluster]])
  keep <- !is.na(d$y) & !is.na(d$school_id) & !is.na(d$cluster_id)
  if (!is.null(baseline)) { d$baseline <- d[[baseline]]; keep <- keep & !is.na(d$baseline) }
  if (kind == "proportion") keep <- keep & !is.na(d$pupils) & d$pupils > 0
  if (strata) keep <- keep & !is.na(d$stratum)
  d <- d[keep, , drop = FALSE]
  f <- as.formula(paste("y ~", paste(c(if (!is.null(baseline)) "baseline", if (strata) "factor(stratum)", "arm01"), collapse = " + ")))
  if (se == "cr1") {
    data <- if (kind == "proportion") d[rep(seq_len(nrow(d)), d$pupils), , drop = FALSE] else d
    fit <- lm_robust(f, data = data, clusters = cluster_id, se_type = "stata")
    s <- summary(fit)$coefficients["arm01", ]
    est <- unname(s["Estimate"]); sev <- unname(s["Std. Error"]); df <- unname(s["DF"]); p <- unname(s["Pr(>|t|)"])
    ci <- unname(c(s["CI Lower"], s["CI Upper"]))
  } else {
    if (kind == "proportion") {
      # CR2 of the pupil-level expansion, computed on the school rows: sqrt(pupils) times each side of the model
      # (the expansion's rows within a school are identical), no intercept of its own, CR2 with an identity working model.
      X <- model.matrix(f, d) * sqrt(d$pupils)
      colnames(X) <- make.names(colnames(X))
      ys <- d$y * sqrt(d$pupils)
      fit <- lm(ys ~ 0 + X)
    } else fit <- lm(f, data = d)
    ct <- coef_test(fit, vcov = "CR2", cluster = d$cluster_id, test = "Satterthwaite")
    k <- which(sub("^X", "", as.character(ct$Coef)) == "arm01")
    est <- ct$beta[k]; sev <- ct$SE[k]; df <- ct$df_Satt[k]; p <- ct$p_Satt[k]
    ci <- est + c(-1, 1) * qt(0.975, df) * sev
  }
  arm_sd <- function(a) {
    ya <- d$y[d$arm01 == a]
    if (kind == "proportion") { w <- d$pupils[d$arm01 == a]; n <- sum(w); p <- sum(w * ya) / n; c(sd = sqrt(p * (1 - p) * n / (n - 1)), n = n) }
    else c(sd = sd(ya), n = length(ya))
  }
  c0 <- arm_sd(0); t1 <- arm_sd(1)
  if (es == "glass") { sdv <- unname(c0["sd"]); j <- 1 }
  else {
    m <- unname(t1["n"] + c0["n"] - 2)
    sdv <- sqrt(unname(((t1["n"] - 1) * t1["sd"]^2 + (c0["n"] - 1) * c0["sd"]^2) / m)); j <- 1 - 3 / (4 * m - 1)
  }
  list(key = key, n = nrow(d), clusters = length(unique(d$cluster_id)), estimate = est, se = sev, df = df, p = p, ci = ci,
       effect_size = list(value = j * est / sdv, ci = j * ci / sdv, sd = sdv))
}

result <- list(
  trial = ${r(trialId)},
  primary = ${estimates.primary ? call(estimates.primary) : 'NULL'},
  secondary = list(${estimates.secondary.length ? `\n    ${estimates.secondary.map(call).join(',\n    ')}\n  ` : ''})
)
cat(toJSON(result, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE), "\\n")
`;
}
