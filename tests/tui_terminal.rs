//! The real binary in a real terminal (tmux): a newcomer's session end to end, another
//! process's commit showing up live (TUI-9), and the terminal restored after a panic
//! (TUI-1), SIGTERM (TUI-2), a closed terminal (TUI-3) and Ctrl-C (TUI-8).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{BIN, Reg};

/// A private tmux server running one shell command in a window of its own.
struct Tmux {
    socket: String,
    home: PathBuf,
}

impl Tmux {
    /// In a 100×30 window.
    fn start(reg: &Reg, script: &str, env: &[(&str, &str)]) -> Tmux {
        Tmux::start_sized(reg, script, env, (100, 30))
    }

    fn start_sized(reg: &Reg, script: &str, env: &[(&str, &str)], size: (u16, u16)) -> Tmux {
        let socket = format!(
            "riskreg-test-{}-{}",
            std::process::id(),
            reg.dir.path().file_name().unwrap().to_string_lossy()
        );
        let home = reg.dir.path().to_path_buf();
        let mut exports = format!(
            "export RISKREG_DB='{}' RISKREG_NOW='{}' RISKREG_ACTOR=tmux-tester TZ=UTC HOME='{}'; unset NO_COLOR; ",
            reg.db.display(),
            common::NOW,
            home.display()
        );
        for (k, v) in env {
            exports.push_str(&format!("export {k}='{v}'; "));
        }
        let t = Tmux { socket, home };
        let status = t
            .tmux()
            .args(["new-session", "-d", "-s", "main", "-x"])
            .arg(size.0.to_string())
            .arg("-y")
            .arg(size.1.to_string())
            .arg(format!("{exports}{script}"))
            .status()
            .expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        t
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"])
            .env("HOME", &self.home)
            .env("SHELL", "/bin/sh")
            .env_remove("TMUX");
        c
    }

    fn screen(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-t", "main"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let status = self
            .tmux()
            .args(["send-keys", "-t", "main"])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Literal text, typed.
    fn type_text(&self, text: &str) {
        let status = self
            .tmux()
            .args(["send-keys", "-t", "main", "-l", text])
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Waits until the screen contains `needle` (or fails with the screen).
    fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > timeout {
                panic!("waited {timeout:?} for {needle:?}; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill(&self) {
        let _ = self.tmux().arg("kill-server").output();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.kill();
    }
}

const WAIT: Duration = Duration::from_secs(10);

/// After the shell command ends: the exit code riskreg reported and whether the terminal
/// is back in cooked mode with echo (checked by `stty` in the same terminal).
const AFTER: &str = "; echo \"EXIT=$?\"; echo \"TTY $(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' ')END\"; sleep 60";

fn assert_restored(screen: &str) {
    assert!(
        screen.contains("TTY icanon echo END"),
        "terminal not restored:\n{screen}"
    );
}

/// A newcomer's session: the empty register welcomes them, they add a risk through the
/// form, narrow the list with the filter bar, quit, and the CLI sees the risk.
#[test]
fn end_to_end_add_filter_quit_then_check_with_the_cli() {
    let reg = Reg::new();
    let t = Tmux::start(&reg, &format!("{BIN}{AFTER}"), &[]);
    t.wait_for("Welcome to riskreg", WAIT);
    t.keys(&["s"]);
    t.wait_for("32 total", WAIT);
    t.keys(&["a"]);
    t.wait_for("New risk", WAIT);
    t.type_text("Redis stampede after cache flush");
    t.keys(&["Tab"]);
    t.type_text("4");
    t.keys(&["Tab", "Right", "Right", "Tab", "Tab"]);
    t.type_text("e");
    t.keys(&["Enter"]);
    t.wait_for("added risk 33", WAIT);
    t.keys(&["/"]);
    t.type_text("team:edge stampede");
    t.keys(&["Enter"]);
    let screen = t.wait_for("filter: team:edge stampede", WAIT);
    assert!(screen.contains(" 1 shown"), "{screen}");
    assert!(screen.contains("Redis stampede after cache"), "{screen}");
    t.keys(&["q"]);
    let screen = t.wait_for("END", WAIT);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&screen);
    let risk = reg.json(&["show", "33"]);
    assert_eq!(risk["title"], "Redis stampede after cache flush");
    assert_eq!(
        (risk["likelihood"].as_i64(), risk["impact"].as_i64()),
        (Some(4), Some(5))
    );
    assert_eq!(risk["team"], "edge");
    assert_eq!(reg.json(&["history", "33"])[0]["actor"], "tmux-tester");
}

/// At 80×24 a newcomer does everything from the TUI: adds a team and a milestone (with its
/// due date and team), records a risk on them, deletes it through the key its popup shows,
/// and the CLI confirms each step.
#[test]
fn end_to_end_teams_milestones_and_a_delete_at_80x24() {
    let reg = Reg::new();
    let t = Tmux::start_sized(&reg, &format!("{BIN}{AFTER}"), &[], (80, 24));
    t.wait_for("Welcome to riskreg", WAIT);
    // Esc alone: an Esc followed at once by a key reads as Alt and that key.
    t.keys(&["Escape"]);
    t.wait_for("No active risks", WAIT);
    t.keys(&["3", "a"]);
    t.wait_for("Name of the new team", WAIT);
    t.type_text("sre");
    t.keys(&["Enter"]);
    t.wait_for("added team sre", WAIT);
    t.keys(&["4", "a"]);
    t.wait_for("Name of the new milestone", WAIT);
    t.type_text("2027q1-failover");
    t.keys(&["Enter"]);
    t.wait_for("Milestone 2027q1-failover", WAIT);
    t.keys(&["Tab"]);
    t.type_text("2027-03-31");
    t.keys(&["Tab", "s", "Enter"]);
    t.wait_for("saved milestone 2027q1-failover", WAIT);
    t.keys(&["1", "a"]);
    t.wait_for("New risk", WAIT);
    t.type_text("Single Postgres primary");
    // Title, likelihood, impact, status, then the team and milestone pick lists.
    t.keys(&["Tab", "Tab", "Tab", "Tab", "s", "Tab", "2", "Enter"]);
    t.wait_for("added risk 1", WAIT);
    let risk = reg.json(&["show", "1"]);
    assert_eq!(risk["team"], "sre");
    assert_eq!(risk["milestone"], "2027q1-failover");
    assert_eq!(risk["milestone_due"], "2027-03-31");
    t.keys(&["d"]);
    let screen = t.wait_for("y delete", WAIT);
    assert!(screen.contains("n/Esc keep"), "{screen}");
    t.keys(&["y"]);
    t.wait_for("deleted risk 1", WAIT);
    t.keys(&["q"]);
    let screen = t.wait_for("END", WAIT);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&screen);
    assert!(reg.json(&["list", "--all"]).as_array().unwrap().is_empty());
    let events = reg.json(&["history", "1"]);
    assert_eq!(events[0]["kind"], "delete");
    assert_eq!(events[0]["actor"], "tmux-tester");
    let milestones = reg.json(&["milestone", "list"]);
    assert_eq!(milestones[0]["name"], "2027q1-failover");
    assert_eq!(milestones[0]["team"], "sre");
    assert_eq!(reg.json(&["team", "list"])[0]["name"], "sre");
}

/// The weekly review in a real terminal at 80×24, answered by the loader's threads: the
/// History tab's filter, its since view, the Budget tab's trend chart and the Risks tab's
/// band-move marks.
#[test]
fn the_review_views_in_a_terminal_at_80x24() {
    let reg = common::tui::sample_reg();
    reg.ok(&["edit", "1", "-l", "1", "--note", "failover drill passed"]);
    let t = Tmux::start_sized(&reg, &format!("{BIN}{AFTER}"), &[], (80, 24));
    t.wait_for("32 total", WAIT);
    t.keys(&["5", "/"]);
    t.type_text("field:likelihood drill");
    t.keys(&["Enter"]);
    // The filter's own events, once the loader answers.
    let screen = t.wait_for(" 1 events", WAIT);
    assert!(
        screen.contains("filter: field:likelihood drill"),
        "{screen}"
    );
    assert!(screen.contains("failover drill passed"), "{screen}");
    t.keys(&["h"]);
    t.wait_for("/ filter: e.g. risk:12", WAIT);
    t.keys(&["c"]);
    t.wait_for("What changed since which day", WAIT);
    t.keys(&["Enter"]);
    let screen = t.wait_for("New risks", WAIT);
    assert!(screen.contains("Changes since 2026-11-17"), "{screen}");
    t.keys(&["6", "w"]);
    // The chart's last week, on its time axis.
    let screen = t.wait_for("2026-11-24│", WAIT);
    assert!(screen.contains("2026-09-08"), "{screen}");
    t.keys(&["1", "b", "Enter"]);
    let screen = t.wait_for("moves since 2026-11-17 ·", WAIT);
    assert!(
        screen.contains("C+"),
        "every risk is new since then: {screen}"
    );
    t.keys(&["q"]);
    let screen = t.wait_for("END", WAIT);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&screen);
}

/// TUI-9 (DV-1 through a terminal): a CLI write shows up on the open TUI within a second.
#[test]
fn tui_9_another_process_commit_appears_within_a_second() {
    let reg = Reg::new();
    reg.add("First risk", 2, 2, &[]);
    let t = Tmux::start(&reg, &format!("{BIN}{AFTER}"), &[]);
    t.wait_for("First risk", WAIT);
    reg.add("Written by a script meanwhile", 5, 5, &[]);
    let start = Instant::now();
    t.wait_for("Written by a script meanwhile", Duration::from_secs(3));
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        start.elapsed()
    );
    t.keys(&["q"]);
    t.wait_for("EXIT=0", WAIT);
}

/// Issue 10: an action added from the TUI (A on a risk, with a why-less form), marked done
/// from the CLI, leaves the TUI's Actions tab within a second.
#[test]
fn an_action_added_in_the_tui_and_done_from_the_cli_refreshes_the_tui() {
    let reg = Reg::new();
    reg.add("Single Postgres primary", 4, 5, &[]);
    let t = Tmux::start_sized(&reg, &format!("{BIN}{AFTER}"), &[], (80, 24));
    t.wait_for("Single Postgres primary", WAIT);
    t.keys(&["A"]);
    t.wait_for("New action", WAIT);
    t.type_text("Automate promotion");
    t.keys(&["Enter"]);
    t.wait_for("added action 1 to risk 1", WAIT);
    let action = reg.json(&["action", "show", "1"]);
    assert_eq!(
        (action["risk"].as_i64(), action["title"].as_str()),
        (Some(1), Some("Automate promotion"))
    );
    t.keys(&["7"]);
    let screen = t.wait_for("1 action ·", WAIT);
    assert!(screen.contains("Automate promotion"), "{screen}");
    reg.ok(&["action", "done", "1", "--note", "shipped"]);
    let start = Instant::now();
    let screen = t.wait_for("No open actions", Duration::from_secs(3));
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        start.elapsed()
    );
    assert!(screen.contains("0 actions ·"), "{screen}");
    t.keys(&["q"]);
    let screen = t.wait_for("END", WAIT);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&screen);
}

/// TUI-1: a panic in the draw loop leaves the terminal restored, exits 70 (riskreg's code
/// for an internal error) and prints one message.
#[test]
fn tui_1_panic_restores_the_terminal() {
    let reg = Reg::new();
    reg.add("A risk", 2, 2, &[]);
    let err = reg.path("err.txt");
    let t = Tmux::start(
        &reg,
        &format!("{BIN} 2>'{}'{AFTER}", err.display()),
        &[("RISKREG_TEST_PANIC_AFTER_MS", "300")],
    );
    let screen = t.wait_for("END", WAIT);
    assert!(screen.contains("EXIT=70"), "{screen}");
    assert_restored(&screen);
    let err = std::fs::read_to_string(reg.path("err.txt")).unwrap_or_default();
    assert!(
        !err.is_empty() || screen.contains("RISKREG_TEST_PANIC_AFTER_MS"),
        "{screen}"
    );
}

/// TUI-8: Ctrl-C in raw mode is a key: a clean exit and a restored terminal.
#[test]
fn tui_8_ctrl_c_is_a_clean_exit() {
    let reg = Reg::new();
    reg.add("A risk", 2, 2, &[]);
    let t = Tmux::start(&reg, &format!("{BIN}{AFTER}"), &[]);
    t.wait_for("A risk", WAIT);
    t.keys(&["C-c"]);
    let screen = t.wait_for("END", WAIT);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&screen);
}

fn pid_in(reg: &Reg) -> i32 {
    let start = Instant::now();
    loop {
        if let Ok(s) = std::fs::read_to_string(reg.path("pid"))
            && let Ok(pid) = s.trim().parse()
        {
            return pid;
        }
        assert!(start.elapsed() < WAIT, "no pid file");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(pid: i32, sig: &str) {
    let status = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// TUI-2: SIGTERM ends the TUI within a second with exit 0, the terminal restored and no
/// lock held.
#[test]
fn tui_2_sigterm_restores_and_releases() {
    let reg = Reg::new();
    reg.add("A risk", 2, 2, &[]);
    let script = format!(
        "{BIN} </dev/tty & echo $! > '{pid}'; wait $!{AFTER}",
        pid = reg.path("pid").display()
    );
    let t = Tmux::start(&reg, &script, &[]);
    t.wait_for("A risk", WAIT);
    let pid = pid_in(&reg);
    signal(pid, "TERM");
    let start = Instant::now();
    let screen = t.wait_for("END", WAIT);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&screen);
    assert!(reg.ok(&["db", "check", "--quick"]).contains("ok"));
    reg.add("Written right after", 1, 1, &[]);
}

/// Runs riskreg as the session leader of a new pseudo-terminal (Python's `pty`, standard
/// library), waits until it has entered the alternate screen, closes the terminal and
/// reports how riskreg ended: its exit code and how long it took.
const CLOSE_PTY: &str = r#"
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1]])
seen, deadline = b"", time.time() + 10
while b"\x1b[?1049h" not in seen and time.time() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
time.sleep(0.3)
os.close(fd)
start = time.time()
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.time() - start > 5:
        os.kill(pid, 9)
        print("still running after 5 s")
        sys.exit(3)
    time.sleep(0.02)
print(os.waitstatus_to_exitcode(status), round(time.time() - start, 3))
"#;

/// TUI-3: the terminal going away (the pty closed: SIGHUP) ends riskreg within two seconds,
/// not with a panic's 101, and leaves nothing running.
#[test]
fn tui_3_closed_terminal_ends_quietly() {
    let reg = Reg::new();
    reg.add("A risk", 2, 2, &[]);
    let mut c = Command::new("python3");
    common::isolate(&mut c, reg.dir.path());
    let out = c
        .env("RISKREG_DB", &reg.db)
        .args(["-c", CLOSE_PTY, BIN])
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut parts = text.split_whitespace();
    let code: i32 = parts.next().unwrap().parse().unwrap();
    let secs: f64 = parts.next().unwrap().parse().unwrap();
    assert_ne!(code, 101, "a panic");
    assert_eq!(code, 0, "{text}");
    assert!(secs < 2.0, "took {secs} s");
}

/// TUI-3, the other way a terminal goes away: its window closes while riskreg runs in the
/// background of a shell that ignores SIGHUP, so no signal arrives. riskreg notices the
/// terminal is gone and ends instead of lingering.
#[test]
fn tui_3_terminal_gone_without_sighup_still_ends() {
    let reg = Reg::new();
    reg.add("A risk", 2, 2, &[]);
    let rc = reg.path("rc");
    let script = format!(
        "trap '' HUP; {BIN} </dev/tty & echo $! > '{}'; wait $!; echo $? > '{}'",
        reg.path("pid").display(),
        rc.display()
    );
    let t = Tmux::start(&reg, &script, &[]);
    t.wait_for("A risk", WAIT);
    let pid = pid_in(&reg);
    t.kill();
    let start = Instant::now();
    let code = loop {
        if let Ok(s) = std::fs::read_to_string(&rc)
            && !s.trim().is_empty()
        {
            break s.trim().to_string();
        }
        if start.elapsed() > Duration::from_secs(3) {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("riskreg {pid} still running 3 s after its terminal closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, "0");
}
