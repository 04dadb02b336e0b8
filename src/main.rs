#![forbid(unsafe_code)]

use std::io::Write;

fn main() {
    let code = {
        let mut out = std::io::stdout().lock();
        // Not locked for the whole run: a worker thread's panic message
        // (or any write) would otherwise wait on it forever while the main
        // thread joins that worker.
        let mut err = std::io::stderr();
        let color = xeploai::cli::stderr_color();
        let mut io = xeploai::cli::Io {
            out: &mut out,
            err: &mut err,
            color,
            width: 100,
        };
        let code = xeploai::cli::run(std::env::args_os(), &mut io);
        // process::exit skips destructors: flush what is buffered first.
        let _ = out.flush();
        code
    };
    std::process::exit(code);
}
