//! Desktop notifications behind a trait: the real one uses the desktop's notification service
//! (notify-rust); tests use a fake that records what was sent.

pub trait Notifier: Send + Sync {
    fn notify(&self, summary: &str, body: &str);
}

/// The desktop's notification service. Failures (no service running) are ignored: the
/// dashboard shows the same list.
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    fn notify(&self, summary: &str, body: &str) {
        let result = notify_rust::Notification::new().appname("Keyholder").summary(summary).body(body).show();
        if let Err(error) = result {
            tracing::info!("no desktop notification: {error}");
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
/// Records notifications for tests.
#[derive(Default)]
pub struct FakeNotifier {
    pub sent: std::sync::Mutex<Vec<(String, String)>>,
}

#[cfg(any(test, feature = "test-support"))]
impl Notifier for FakeNotifier {
    fn notify(&self, summary: &str, body: &str) {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push((summary.to_owned(), body.to_owned()));
        }
    }
}
