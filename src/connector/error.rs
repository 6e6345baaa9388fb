//! What can go wrong talking to a directory or an app, in words for the office manager: the
//! server's own reason kept, the bind password or token never in the text.

#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    /// The address or settings are refused before anything is sent.
    #[error("{0}")]
    Refused(String),
    #[error("cannot reach the directory at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the directory's certificate is not trusted: {0} (give the office's CA certificate with --ca-file)")]
    Certificate(String),
    #[error("the directory refused the bind DN or its password")]
    WrongPassword,
    /// An app refused the bearer token (wrong, expired or revoked).
    #[error("the app refused the token: it is wrong, expired or revoked (make a new one in the app's settings)")]
    TokenRefused,
    /// Still refused after waiting as long as the server asked.
    #[error("the server is limiting requests and still did after {waited_secs} s of waiting: try again later")]
    RateLimited { waited_secs: u64 },
    #[error("the account Keyholder signs in with may not do this: {0}")]
    NoPermission(String),
    #[error("the connection to the directory was lost ({0}); nothing more was sent")]
    ConnectionLost(String),
    #[error("the directory answered: {0}")]
    Server(String),
}

pub type ConnectorResult<T> = Result<T, ConnectorError>;
