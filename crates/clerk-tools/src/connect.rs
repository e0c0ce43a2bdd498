//! The one place where a front-end turns its flags and environment into a Clerk [`Client`]:
//! `clerk-mcp` and `clerkctl` both call [`connect`].
//!
//! The key comes, first found wins, from `--secret-key` (discouraged: other users of the
//! machine can read a command line), `--secret-key-file PATH`, `CLERK_SECRET_KEY`,
//! `CLERK_SECRET_KEY_FILE`, or the service manager's credential directory
//! (`$CREDENTIALS_DIRECTORY/clerk-secret-key`, systemd's `LoadCredential=`). A key file must not
//! be readable by other users. The origin comes from `--api-url` or `CLERK_API_URL`. With
//! `emulator` set (cargo feature `emulator`, on in both binaries by default) an embedded
//! offline emulator with demo data is started instead and the client points at it.

use clerk_api::{Client, SecretKey};

/// What the front-end was told.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// A key given on the command line (wins over everything else).
    pub secret_key: Option<SecretKey>,
    /// A file holding the key (`--secret-key-file`; wins over the environment).
    pub secret_key_file: Option<std::path::PathBuf>,
    /// An API origin given on the command line (wins over `CLERK_API_URL`).
    pub api_url: Option<String>,
    /// Run on an embedded emulator.
    pub emulator: bool,
    /// No key is needed: every request brings its own (an HTTP server in public mode). The
    /// client built then carries no key; derive per-request clients with
    /// [`Client::with_secret_key`].
    pub keyless: bool,
    /// Appended to the User-Agent, e.g. `clerk-mcp/0.1.0`.
    pub user_agent: String,
}

/// A client, and the embedded emulator it talks to (kept alive as long as this is).
pub struct Connection {
    /// The client.
    pub client: Client,
    /// The embedded emulator's URL, when one runs.
    pub emulator_url: Option<String>,
    #[cfg(feature = "emulator")]
    _emulator: Option<clerk_emulator::Emulator>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("client", &self.client)
            .field("emulator_url", &self.emulator_url)
            .finish()
    }
}

/// Why no client could be built. The messages say what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// No key anywhere.
    #[error(
        "no Clerk secret key. Set CLERK_SECRET_KEY=sk_… in the environment (in Claude Desktop / Cursor: the \"env\" of this server's config), or use --emulator to try it on an offline emulator with demo data"
    )]
    NoKey,
    /// An empty key.
    #[error("the Clerk secret key is empty; set CLERK_SECRET_KEY=sk_…")]
    EmptyKey,
    /// `--emulator` in a build without the emulator.
    #[error(
        "this build has no embedded emulator (built without the `emulator` feature); run `clerkctl emulator serve` from a full build and point CLERK_API_URL at it"
    )]
    NoEmulator,
    /// The emulator did not start.
    #[error("could not start the embedded emulator: {0}")]
    Emulator(String),
    /// A key or token file cannot be used.
    #[error("{0}")]
    SecretFile(String),
    /// The key is not a secret key.
    #[error("{0}")]
    BadKey(String),
    /// The client configuration is invalid (e.g. a malformed URL).
    #[error(transparent)]
    Config(#[from] clerk_api::Error),
}

/// Builds the client the options describe.
pub async fn connect(options: &ConnectOptions) -> Result<Connection, ConnectError> {
    if options.emulator {
        return connect_emulator(options).await;
    }
    let key = if options.keyless {
        SecretKey::new("")
    } else {
        let key = match (&options.secret_key, &options.secret_key_file) {
            (Some(k), _) => k.clone(),
            (None, Some(path)) => SecretKey::new(read_secret_file(path, "--secret-key-file")?),
            (None, None) => match SecretKey::from_env() {
                Some(k) => k,
                None => key_from_files()?.ok_or(ConnectError::NoKey)?,
            },
        };
        if key.is_empty() {
            return Err(ConnectError::EmptyKey);
        }
        if let Some(problem) = key.shape_problem() {
            return Err(ConnectError::BadKey(problem));
        }
        key
    };
    let mut builder = Client::builder(key);
    let url = options
        .api_url
        .clone()
        .or_else(|| std::env::var("CLERK_API_URL").ok());
    if let Some(url) = url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        builder = builder.api_url(url);
    }
    let client = builder.user_agent_suffix(&options.user_agent).build()?;
    Ok(Connection {
        client,
        emulator_url: None,
        #[cfg(feature = "emulator")]
        _emulator: None,
    })
}

/// `CLERK_SECRET_KEY_FILE`, then `$CREDENTIALS_DIRECTORY/clerk-secret-key`.
fn key_from_files() -> Result<Option<SecretKey>, ConnectError> {
    if let Some(path) = std::env::var_os("CLERK_SECRET_KEY_FILE").filter(|p| !p.is_empty()) {
        let path = std::path::PathBuf::from(path);
        return read_secret_file(&path, "CLERK_SECRET_KEY_FILE").map(|k| Some(SecretKey::new(k)));
    }
    if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY").filter(|p| !p.is_empty()) {
        let path = std::path::Path::new(&dir).join("clerk-secret-key");
        if path.exists() {
            // The service manager made it readable by this service only.
            return std::fs::read_to_string(&path)
                .map(|k| Some(SecretKey::new(k.trim())))
                .map_err(|e| {
                    ConnectError::SecretFile(format!("cannot read {}: {e}", path.display()))
                });
        }
    }
    Ok(None)
}

/// Reads a secret (a key, a token) from a file that only its owner may read. `what` names the
/// flag or variable in errors. The content is trimmed; an empty file is an error.
pub fn read_secret_file(path: &std::path::Path, what: &str) -> Result<String, ConnectError> {
    let fail = |m: String| ConnectError::SecretFile(m);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| fail(format!("cannot read {what} {}: {e}", path.display())))?;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(fail(format!(
                "{what} {} is readable by other users; run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read {what} {}: {e}", path.display())))?;
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(fail(format!("{what} {} is empty", path.display())));
    }
    Ok(text)
}

#[cfg(feature = "emulator")]
async fn connect_emulator(options: &ConnectOptions) -> Result<Connection, ConnectError> {
    if std::env::var("CLERK_SECRET_KEY").is_ok_and(|k| k.trim().starts_with("sk_live_")) {
        eprintln!(
            "note: CLERK_SECRET_KEY holds a production key (sk_live_…); --emulator does not use it: everything runs on the offline emulator"
        );
    }
    let emulator = clerk_emulator::Emulator::start(clerk_emulator::EmulatorConfig::default())
        .await
        .map_err(|e| ConnectError::Emulator(e.to_string()))?;
    tracing::info!(url = %emulator.url(), "running on the embedded Clerk emulator (demo data)");
    let key = if options.keyless {
        SecretKey::new("")
    } else {
        SecretKey::new(emulator.secret_key())
    };
    let client = Client::builder(key)
        .api_url(emulator.url())
        .user_agent_suffix(&options.user_agent)
        .build()?;
    Ok(Connection {
        client,
        emulator_url: Some(emulator.url().to_string()),
        _emulator: Some(emulator),
    })
}

#[cfg(not(feature = "emulator"))]
async fn connect_emulator(_options: &ConnectOptions) -> Result<Connection, ConnectError> {
    Err(ConnectError::NoEmulator)
}
