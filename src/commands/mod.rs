//! What each command does, from parsed arguments to files and printed output. `main.rs` calls
//! [`dispatch`] and nothing else.

mod board_pack;
mod breakeven;
mod cashflow;
mod compare;
mod data_files;
mod diff;
mod init;
mod load;
mod merge;
mod output_set;
mod page;
mod run;
mod tei;
mod validate;

pub use load::{Loaded, load, slug};

use crate::cli::{Cli, Command};
use crate::error::AppError;

/// Run the chosen command.
pub fn dispatch(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => on_threads(args.threads.threads, || run::run(&args)),
        Command::Validate(args) => validate::validate(&args),
        Command::Cashflow(args) => cashflow::cashflow(&args),
        Command::Init(args) => init::init(&args),
        Command::Merge(args) => on_threads(args.threads.threads, || merge::merge(&args)),
        Command::Tei(args) => on_threads(args.threads.threads, || tei::tei(&args)),
        Command::Breakeven(args) => {
            on_threads(args.threads.threads, || breakeven::breakeven(&args))
        }
        Command::Compare(args) => on_threads(args.threads.threads, || compare::compare(&args)),
        Command::Diff(args) => on_threads(args.threads.threads, || diff::diff(&args)),
    }
}

/// Run `work` on a pool of `threads` threads (`--threads`), or on rayon's default pool (one
/// thread per CPU, or `RAYON_NUM_THREADS`) when none is asked for. Every parallel step inside,
/// and every `rayon::current_num_threads()` (the memory estimate's), sees that pool.
fn on_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> Result<T, AppError> + Send,
) -> Result<T, AppError> {
    let Some(n) = threads else {
        return work();
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|source| AppError::Threads { threads: n, source })?;
    pool.install(work)
}

/// "1 file", "5 files".
pub(crate) fn files_count(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_the_threads_asked_for() {
        let threads = |n| on_threads(n, || Ok(rayon::current_num_threads()));
        assert_eq!(threads(Some(1)).ok(), Some(1));
        assert_eq!(threads(Some(3)).ok(), Some(3));
        assert_eq!(threads(None).ok(), Some(rayon::current_num_threads()));
    }
}
