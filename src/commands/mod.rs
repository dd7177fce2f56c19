//! What each command does, from parsed arguments to files and printed output. `main.rs` calls
//! [`dispatch`] and nothing else.

mod board_pack;
mod cashflow;
mod init;
mod load;
mod merge;
mod run;
mod validate;

pub use load::{Loaded, load, slug};

use crate::cli::{Cli, Command};
use crate::error::AppError;

/// Run the chosen command.
pub fn dispatch(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Cashflow(args) => cashflow::cashflow(&args),
        Command::Init(args) => init::init(&args),
        Command::Merge(args) => merge::merge(&args),
    }
}
