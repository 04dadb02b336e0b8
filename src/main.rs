#![forbid(unsafe_code)]

fn main() {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let mut io = xeploai::cli::Io {
        out: &mut out,
        err: &mut err,
        color: xeploai::cli::stderr_color(),
        width: 100,
    };
    let code = xeploai::cli::run(std::env::args_os(), &mut io);
    drop(io);
    std::process::exit(code);
}
