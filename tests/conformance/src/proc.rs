//! Real programs as children of the suite: each in its own temporary
//! directory, on 127.0.0.1 or a Unix socket, stopped by its pid on drop.

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh directory under the system's temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self, String> {
        let base = std::env::temp_dir();
        for n in 0..1000u32 {
            let p = base.join(format!("stackscope-{prefix}-{}-{n}", std::process::id()));
            if std::fs::create_dir(&p).is_ok() {
                return Ok(TempDir(p));
            }
        }
        Err(format!("could not create a temp dir in {}", base.display()))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running program; killed (by its pid) and reaped on drop.
pub struct Running {
    pub name: String,
    child: Child,
}

impl Running {
    /// Starts `cmd` with its output in `log` (a file in its temp dir).
    pub fn start(name: &str, cmd: &mut Command, log: &Path) -> Result<Self, String> {
        let out = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {name} ({:?}): {e}", cmd.get_program()))?;
        Ok(Running {
            name: name.to_string(),
            child,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails if the program has already exited.
    pub fn alive(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(st)) => Err(format!("{} exited: {st}", self.name)),
            Err(e) => Err(e.to_string()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // SIGTERM first, so servers remove their pid and socket files.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = l.local_addr().map_err(|e| e.to_string())?.port();
    // The same number must be free for UDP too (DNS listens on both).
    UdpSocket::bind(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    Ok(port)
}

/// Waits until something accepts TCP connections on 127.0.0.1:`port`.
#[allow(dead_code)] // for the checks over TCP; the sql check uses a socket
pub fn wait_for_tcp(run: &mut Running, port: u16) -> Result<(), String> {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(30) {
        run.alive()?;
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    Err(format!(
        "{} did not listen on port {port} within 30 s",
        run.name
    ))
}

/// Waits until `path` exists (a Unix socket, a pid file).
pub fn wait_for_path(run: &mut Running, path: &Path) -> Result<(), String> {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(60) {
        run.alive()?;
        if path.exists() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!(
        "{} did not create {} within 60 s",
        run.name,
        path.display()
    ))
}

/// The first program of `names` found in PATH or /usr/sbin, /usr/bin.
pub fn find_program(names: &[&str]) -> Result<PathBuf, String> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin", "/sbin"].map(PathBuf::from));
    for n in names {
        for d in &dirs {
            let p = d.join(n);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err(format!(
        "none of {names:?} is installed (scripts/install.sh installs them)"
    ))
}
