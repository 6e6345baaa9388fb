//! A real PostgreSQL server (Debian's `postgresql`) for the server-store tests: `initdb` in a
//! temporary folder, listening on a Unix socket only (no network address), stopped when
//! dropped. As root, the server runs as the `postgres` user, as PostgreSQL requires.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PgServer {
    pub dir: tempfile::TempDir,
    bin: PathBuf,
    as_root: bool,
    pub port: u16,
}

fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (Debian package postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("initdb in /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

impl PgServer {
    /// Start a server with one superuser, `keyholder`, trusted on its socket.
    pub fn start() -> Self {
        Self::start_with(None, "", |_| ())
    }

    /// Also listening on 127.0.0.1:`port` (without TLS), for the tests of addresses.
    pub fn start_on_loopback(port: u16) -> Self {
        Self::start_with(Some(port), "", |_| ())
    }

    /// Also listening on 127.0.0.1:`port` with TLS: `certificates` writes `server.pem` and
    /// `server.key` (and whatever else it likes) into the server's folder first.
    pub fn start_with_tls(port: u16, certificates: impl FnOnce(&Path)) -> Self {
        Self::start_with(
            Some(port),
            "-c ssl=on -c ssl_cert_file=../server.pem -c ssl_key_file=../server.key",
            certificates,
        )
    }

    fn start_with(port: Option<u16>, extra: &str, prepare: impl FnOnce(&Path)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        prepare(dir.path());
        if dir.path().join("server.key").exists() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path().join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let as_root = is_root();
        if as_root {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().unwrap();
            assert!(status.success());
        }
        let server = Self { dir, bin: bin_dir(), as_root, port: port.unwrap_or(5432) };
        let data = server.data();
        server.run(
            "initdb",
            &["-D", data.to_str().unwrap(), "-A", "trust", "-U", "keyholder", "--no-sync", "-E", "UTF8"],
        );
        let listen = match port {
            Some(_) => "-c listen_addresses=127.0.0.1".to_owned(),
            None => "-c listen_addresses=''".to_owned(),
        };
        let options = format!(
            "-k {} {listen} -p {} -c fsync=off -c max_connections=40 {extra}",
            server.socket_dir().display(),
            server.port
        );
        let log = server.dir.path().join("server.log");
        server
            .run("pg_ctl", &["-D", data.to_str().unwrap(), "-o", &options, "-l", log.to_str().unwrap(), "-w", "start"]);
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Restart the server (as after an update or a power cut), with the same settings.
    pub fn restart(&self) {
        let (data, log) = (self.data(), self.dir.path().join("server.log"));
        // With its log file named, or the server would hold this program's output pipes open.
        self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-m", "fast", "-w", "restart"]);
    }

    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    pub fn run(&self, program: &str, args: &[&str]) -> String {
        let output = self.command(program).args(args).current_dir(self.dir.path()).output().expect(program);
        assert!(
            output.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// A new, empty database and the address Keyholder is given for it.
    /// How the client programs reach the server: its socket, port and superuser.
    fn client_args(&self) -> Vec<String> {
        let socket = self.socket_dir().to_str().unwrap().to_owned();
        vec!["-h".into(), socket, "-p".into(), self.port.to_string(), "-U".into(), "keyholder".into()]
    }

    fn run_client(&self, program: &str, args: &[&str]) -> String {
        let mut all = self.client_args();
        all.extend(args.iter().map(|a| (*a).to_owned()));
        self.run(program, &all.iter().map(String::as_str).collect::<Vec<_>>())
    }

    pub fn database(&self, name: &str) -> String {
        self.run_client("createdb", &[name]);
        self.address(name)
    }

    pub fn address(&self, name: &str) -> String {
        let socket = self.socket_dir().display().to_string().replace('/', "%2F");
        format!("postgres://keyholder@{socket}:{}/{name}", self.port)
    }

    /// Run SQL with `psql`, as an administrator of the server would.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        self.run_client("psql", &["-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// Everything `pg_dump` writes of a database (what a backup of the server holds).
    pub fn dump(&self, database: &str) -> Vec<u8> {
        let output = self
            .command("pg_dump")
            .args(self.client_args())
            .arg(database)
            .current_dir(self.dir.path())
            .output()
            .expect("pg_dump");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        output.stdout
    }
}

/// One server for the whole test program, started at first use and stopped by a watchdog
/// process when the test program ends (a static is never dropped).
pub fn shared() -> &'static PgServer {
    static SERVER: std::sync::OnceLock<PgServer> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| {
        let server = PgServer::start();
        let stop = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {prefix}{pg_ctl} -D {data} -m immediate stop; rm -rf {dir}",
            pid = std::process::id(),
            prefix = if server.as_root { "runuser -u postgres -- " } else { "" },
            pg_ctl = server.bin.join("pg_ctl").display(),
            data = server.data().display(),
            dir = server.dir.path().display(),
        );
        // Left running on purpose: it outlives this process to stop the server.
        #[allow(clippy::zombie_processes)]
        let _watchdog = Command::new("sh")
            .args(["-c", &stop])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("watchdog");
        server
    })
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.command("pg_ctl").args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"]).output();
    }
}
