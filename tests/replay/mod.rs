//! Recorded HTTP exchanges replayed on 127.0.0.1, for the one kind of server that cannot run
//! here (Microsoft Graph and its sign-in). A fixture is a JSON list of exchanges — method,
//! path with its query, status, headers, body — written from the vendor's documented examples
//! (tests/fixtures/graph). A request takes the first exchange for its method and path that is
//! not used up (an exchange marked `repeat` never is), so a throttled answer can come once and
//! a read-back can differ from the first read. `{base}` in a body is this server's address.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test harness fails by panicking

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
struct Exchange {
    method: String,
    path: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    repeat: bool,
    used: bool,
}

pub struct Replay {
    pub base: String,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    /// Every request received, as (method, path, body).
    pub received: Arc<Mutex<Vec<(String, String, String)>>>,
}

impl Replay {
    pub fn start(fixture: &str) -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture);
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let exchanges: Vec<Exchange> = json["exchanges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| Exchange {
                method: e["method"].as_str().unwrap().to_owned(),
                path: e["path"].as_str().unwrap().to_owned(),
                status: e["status"].as_u64().unwrap() as u16,
                headers: e["headers"]
                    .as_object()
                    .map(|h| h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect())
                    .unwrap_or_default(),
                body: if e["body"].is_null() { String::new() } else { e["body"].to_string().replace("{base}", &base) },
                repeat: e["repeat"].as_bool().unwrap_or(false),
                used: false,
            })
            .collect();
        let exchanges = Arc::new(Mutex::new(exchanges));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (shared, log) = (exchanges.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let (shared, log) = (shared.clone(), log.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut parts = line.split_whitespace();
                        let (method, path) =
                            (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
                        let (mut length, mut chunked) = (0, false);
                        loop {
                            let mut header = String::new();
                            reader.read_line(&mut header).unwrap();
                            let header = header.trim_end();
                            if header.is_empty() {
                                break;
                            }
                            if let Some((name, value)) = header.split_once(':') {
                                if name.eq_ignore_ascii_case("content-length") {
                                    length = value.trim().parse().unwrap_or(0);
                                }
                                if name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked") {
                                    chunked = true;
                                }
                            }
                        }
                        let mut body = vec![0; length];
                        reader.read_exact(&mut body).unwrap();
                        while chunked {
                            let mut size = String::new();
                            reader.read_line(&mut size).unwrap();
                            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                            let mut chunk = vec![0; size + 2];
                            reader.read_exact(&mut chunk).unwrap();
                            body.extend_from_slice(&chunk[..size]);
                            chunked = size > 0;
                        }
                        log.lock().unwrap().push((
                            method.clone(),
                            path.clone(),
                            String::from_utf8_lossy(&body).into_owned(),
                        ));
                        let answer = {
                            let mut exchanges = shared.lock().unwrap();
                            let found = exchanges.iter_mut().find(|e| {
                                e.method == method && decoded(&e.path) == decoded(&path) && (e.repeat || !e.used)
                            });
                            found.map(|e| {
                                e.used = true;
                                e.clone()
                            })
                        };
                        let (status, headers, body) = match answer {
                            Some(e) => (e.status, e.headers, e.body),
                            None => (599, Vec::new(), format!("no recorded exchange for {method} {path}")),
                        };
                        let mut response = format!("HTTP/1.1 {status} Replayed\r\nContent-Length: {}\r\n", body.len());
                        if !body.is_empty() {
                            response.push_str("Content-Type: application/json\r\n");
                        }
                        for (name, value) in headers {
                            response.push_str(&format!("{name}: {value}\r\n"));
                        }
                        response.push_str("\r\n");
                        response.push_str(&body);
                        if stream.write_all(response.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self { base, exchanges, received }
    }

    /// The exchanges never asked for (each, once, is part of what the fixture records).
    pub fn unused(&self) -> Vec<String> {
        let exchanges = self.exchanges.lock().unwrap();
        exchanges.iter().filter(|e| !e.used).map(|e| format!("{} {}", e.method, e.path)).collect()
    }
}

/// A path with its percent-escapes undone, so `$select` and `%24select` are the same.
fn decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The client secret the Graph fixtures' tenant takes.
pub const GRAPH_SECRET: &str = "client-secret-value-7Qx";

/// Microsoft 365, live, through the app registration the Graph fixtures answer to at `base`.
pub fn add_microsoft_365(office: &mut keyholder::service::Office, base: &str) {
    let secret = keyholder::domain::secret::SecretString::new(GRAPH_SECRET);
    office
        .add_directory(&keyholder::service::NewLinkedDirectory {
            name: "Microsoft 365",
            kind: "microsoft365",
            url: base,
            base_dn: "tenant-1",
            bind_dn: "00000000-0000-0000-0000-000000000001",
            bind_password: &secret,
            starttls: false,
            ca_file: None,
        })
        .unwrap();
}
