//! GUI.
pub fn run(_p: std::path::PathBuf) -> anyhow::Result<()> {
    Ok(())
}
