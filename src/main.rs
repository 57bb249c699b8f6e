//! The `huisclos` command: parse the command line, run, exit with its code.

fn main() -> std::process::ExitCode {
    huisclos::cli::main()
}
