fn main() -> std::process::ExitCode {
    let code = riskreg::run();
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
