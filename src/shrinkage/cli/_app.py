"""The ``shrinkage`` command (typer + rich): ``fit``, ``predict`` and ``path``.

Every error a user can cause is reported as one line, ``error: ...`` on
stderr, with exit status 1 (2 for a command line that cannot run as
written); ``shrinkage --debug ...`` shows the traceback instead. Input
files are only read; outputs are written through a temporary file and
renamed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._errors import EXIT_USAGE, UserError

HELP = """Lasso, Ridge, Elastic-Net and logistic regression from the command line.

Fit a CSV or Parquet file (or a built-in data set), choose the penalty by
cross-validation, and get a terminal summary, a self-contained HTML report
and a model file that `shrinkage predict` (or `shrinkage.load` in Python)
reads back.

Examples:

  shrinkage fit                                   # built-in diabetes data

  shrinkage fit --dataset breast_cancer           # classification

  shrinkage fit houses.csv --target price --out report/

  shrinkage predict report/model.shrink new.csv -o predictions.csv

  shrinkage path houses.csv --target price
"""

app = typer.Typer(help=HELP, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})
STATE: dict[str, bool] = {"debug": False}


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        print(f"shrinkage {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show tracebacks instead of one-line errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    STATE["debug"] = debug
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())
        raise typer.Exit()


def _floats(text: str | None, name: str) -> list[float] | None:
    if text is None:
        return None
    try:
        values = [float(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise UserError(
            f"{name} takes numbers separated by commas, e.g. 0.5,0.9,1; got {text!r}.",
            EXIT_USAGE,
        ) from None
    if not values or any(not 0 <= v <= 1 for v in values):
        raise UserError(f"{name} values must lie in [0, 1]; got {text!r}.", EXIT_USAGE)
    return values


def _names(values: list[str] | None) -> list[str]:
    return [n.strip() for v in values or [] for n in v.split(",") if n.strip()]


def _choice(value: str | None, name: str, choices: tuple[str, ...]) -> str | None:
    if value is not None and value not in choices:
        raise UserError(f"{name} must be one of {', '.join(choices)}; got {value!r}.", EXIT_USAGE)
    return value


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _opt(*names: str, help: str, metavar: str | None = None) -> Any:
    """A typer option without a shown default (defaults are said in the help)."""
    return typer.Option(*names, metavar=metavar, help=help, show_default=False)


MODELS_HELP = ("lasso, ridge, elasticnet or logistic. Default: from the target (numbers -> "
               "elasticnet; text, or at most 10 distinct integers -> logistic).")
DataArg = Annotated[Path | None, typer.Argument(
    metavar="[DATA]", show_default=False,
    help="CSV (.csv, .tsv, optionally .gz) or Parquet file (with --engine dask: a Parquet "
         "file, folder or glob). Omit it to use a built-in data set (--dataset).")]
TargetOpt = Annotated[str | None, _opt(
    "--target", "-t", metavar="COL", help="The column to predict (required with a data file).")]
DatasetOpt = Annotated[str | None, _opt(
    "--dataset", metavar="NAME", help="Built-in data when no DATA is given: diabetes "
    "(regression, the default) or breast_cancer (classification).")]
ModelOpt = Annotated[str | None, _opt("--model", "-m", metavar="KIND", help=MODELS_HELP)]
ImputeOpt = Annotated[str | None, _opt(
    "--impute", metavar="mean|median", help="Fill missing values with the training mean or "
    "median (categories: the most frequent). Without it missing values are an error.")]
DropOpt = Annotated[list[str] | None, _opt(
    "--drop", metavar="COL", help="Columns to leave out (an id, a leak of the target); "
    "repeat or separate by commas.")]
StandardizeOpt = Annotated[bool, typer.Option(
    "--standardize/--no-standardize",
    help="Penalise coefficients of unit-variance columns (reported on the original scale).")]
L1Opt = Annotated[str | None, _opt(
    "--l1-ratio", metavar="R[,R...]", help="Elastic-Net mix(es) to cross-validate, "
    "comma-separated in [0, 1] (1 is the Lasso). Default: 0.1,0.5,0.7,0.9,0.95,0.99,1 for "
    "elasticnet, 1 for logistic.")]
CvOpt = Annotated[int, typer.Option("--cv", metavar="K", help="Cross-validation folds.")]
RuleOpt = Annotated[str, typer.Option(
    "--rule", metavar="min|1se", help="min: the alpha with the smallest CV error; 1se: the "
    "largest alpha within one standard error of it (a sparser model).")]
TestOpt = Annotated[float, typer.Option(
    "--test-size", metavar="FRACTION",
    help="Fraction of rows held out for test metrics (0: none).")]
OutOpt = Annotated[Path | None, _opt(
    "--out", "-o", metavar="DIR", help="Directory for report.html and model.shrink. "
    "Default: a new shrinkage-runs/<data>-<n>/ (never overwrites). An existing non-empty "
    "directory needs --force.")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Write into a non-empty --out directory (replacing report.html and "
    "model.shrink there).")]
AlphasOpt = Annotated[int, typer.Option("--n-alphas", metavar="N", help="Alphas per path.")]
SeedOpt = Annotated[int, typer.Option(
    "--seed", metavar="N", help="Seed of the held-out split and the folds.")]
JobsOpt = Annotated[int, typer.Option(
    "--jobs", metavar="N", help="Folds fitted in parallel (threads).")]
ModelFileArg = Annotated[Path, typer.Argument(
    metavar="MODEL", show_default=False, help="A model.shrink written by `shrinkage fit`.")]
NewDataArg = Annotated[Path, typer.Argument(
    metavar="DATA", show_default=False, help="CSV or Parquet file with the model's columns "
    "(extra columns are ignored, with a note).")]
OutputOpt = Annotated[Path | None, _opt(
    "--output", "-o", metavar="FILE", help="Where to write the predictions (.csv or "
    ".parquet); default: CSV on standard output.")]
UnknownOpt = Annotated[bool, typer.Option(
    "--ignore-unknown", help="Encode categories not seen in training as none of the known "
    "ones instead of stopping with an error.")]
PathL1Opt = Annotated[float | None, _opt(
    "--l1-ratio", metavar="R", help="Elastic-Net mix in [0, 1] (default 1 for lasso and "
    "logistic, 0.5 for elasticnet, 0 for ridge).")]
EngineOpt = Annotated[str, typer.Option(
    "--engine", metavar="memory|dask", help="memory: read the table into memory (the "
    "default). dask: fit on a Dask cluster from a Parquet file, folder or glob larger than "
    "memory (numeric columns, no --impute; needs shrinkage[dask]).")]
SchedulerOpt = Annotated[str | None, _opt(
    "--scheduler", metavar="ADDRESS", help="With --engine dask: the Dask scheduler to use "
    "(e.g. tcp://host:8786). Default: a local cluster started for the run.")]
KINDS = ("lasso", "ridge", "elasticnet", "logistic")


@app.command()
def fit(
    data: DataArg = None,
    target: TargetOpt = None,
    model: ModelOpt = None,
    l1_ratio: L1Opt = None,
    cv: CvOpt = 5,
    rule: RuleOpt = "min",
    standardize: StandardizeOpt = True,
    test_size: TestOpt = 0.2,
    out: OutOpt = None,
    force: ForceOpt = False,
    dataset: DatasetOpt = None,
    impute: ImputeOpt = None,
    drop: DropOpt = None,
    n_alphas: AlphasOpt = 100,
    seed: SeedOpt = 0,
    jobs: JobsOpt = 1,
    engine: EngineOpt = "memory",
    scheduler: SchedulerOpt = None,
) -> None:
    """Fit a data file, choose the penalty by CV, write a report and a model file.

    Prints the chosen alpha (and l1_ratio), the CV error at alpha_min and
    alpha_1se, held-out test metrics and the selected features; writes
    OUT/report.html (one offline page: paths, CV curve, train/validation
    loss, coefficients, data summary, the command and versions) and
    OUT/model.shrink (the fitted pipeline, for `shrinkage predict`).
    Categorical (text) columns are one-hot encoded. With --engine dask,
    DATA may be a Parquet folder or glob (numeric columns); the same report
    and model file are written, computed on the cluster.
    """
    if _choice(engine, "--engine", ("memory", "dask")) == "dask":
        _fit_on_dask(data, target, model, l1_ratio, cv, rule, standardize, test_size, out,
                     force, dataset, impute, drop, n_alphas, seed, scheduler)
        return
    if scheduler is not None:
        raise UserError("--scheduler is for --engine dask.", EXIT_USAGE)
    from ._run import run_fit_command

    run_fit_command(
        data=data, target=target, model=_choice(model, "--model", KINDS),
        l1_ratio=_floats(l1_ratio, "--l1-ratio"), cv=cv,
        rule=_choice(rule, "--rule", ("min", "1se")) or "min", standardize=standardize,
        test_size=test_size, out=out, force=force, dataset=dataset,
        impute=_choice(impute, "--impute", ("mean", "median")), drop=_names(drop),
        n_alphas=n_alphas, seed=seed, jobs=jobs, console=_console(), err=_console(True),
    )


def _fit_on_dask(
    data: Path | None, target: str | None, model: str | None, l1_ratio: str | None, cv: int,
    rule: str, standardize: bool, test_size: float, out: Path | None, force: bool,
    dataset: str | None, impute: str | None, drop: list[str] | None, n_alphas: int, seed: int,
    scheduler: str | None,
) -> None:
    from ._dask import DaskFitOptions, run_dask_fit

    if dataset is not None or impute is not None:
        raise UserError(
            "--engine dask fits a Parquet DATA as it is: --dataset and --impute are for the "
            "in-memory engine.", EXIT_USAGE,
        )
    if cv < 2 or n_alphas < 2:
        raise UserError("--cv and --n-alphas must be at least 2.", EXIT_USAGE)
    if not 0 <= test_size < 1:
        raise UserError(f"--test-size must lie in [0, 1); got {test_size:g}.", EXIT_USAGE)
    err = _console(True)
    options = DaskFitOptions(
        model=_choice(model, "--model", KINDS), l1_ratio=_floats(l1_ratio, "--l1-ratio"),
        cv=cv, test_size=test_size, rule=_choice(rule, "--rule", ("min", "1se")) or "min",
        standardize=standardize, n_alphas=n_alphas, seed=seed, drop=_names(drop),
        scheduler=scheduler,
    )
    run_dask_fit(data=data, target=target, options=options, out=out, force=force,
                 console=_console(), err=err)


@app.command()
def predict(
    model_file: ModelFileArg,
    data: NewDataArg,
    output: OutputOpt = None,
    ignore_unknown: UnknownOpt = False,
) -> None:
    """Predict with a saved model: a `prediction` column (and `proba_<class>` for classifiers)."""
    from ._run import run_predict_command

    run_predict_command(model_file, data, output, ignore_unknown, err=_console(True))


@app.command()
def path(
    data: DataArg = None,
    target: TargetOpt = None,
    model: ModelOpt = None,
    l1_ratio: PathL1Opt = None,
    n_alphas: AlphasOpt = 30,
    standardize: StandardizeOpt = True,
    dataset: DatasetOpt = None,
    impute: ImputeOpt = None,
    drop: DropOpt = None,
) -> None:
    """Print the regularization path on all rows: alpha, df, deviance ratio, features entering.

    The model defaults from the target: the Lasso for numbers, the L1
    logistic regression for class labels.
    """
    from ._run import run_path_command

    run_path_command(
        data=data, target=target, model=_choice(model, "--model", KINDS), l1_ratio=l1_ratio,
        n_alphas=n_alphas, standardize=standardize, dataset=dataset,
        impute=_choice(impute, "--impute", ("mean", "median")), drop=_names(drop),
        console=_console(),
    )
