//! Application columns: what the classifier found (nDPI's names and categories).

/// NFStream's nine L7 columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppInfo {
    pub name: String,
    pub category: String,
    pub is_guessed: bool,
    pub confidence: u8,
    pub requested_server_name: String,
    pub client_fingerprint: String,
    pub server_fingerprint: String,
    pub user_agent: String,
    pub content_type: String,
    /// Classifier working state (reassembly buffers, what is still awaited); not a column.
    pub(crate) state: crate::classify::State,
}

impl AppInfo {
    /// nDPI's label for a flow nothing was recognised in.
    pub fn name_or_unknown(&self) -> &str {
        if self.name.is_empty() {
            "Unknown"
        } else {
            &self.name
        }
    }
    pub fn category_or_unspecified(&self) -> &str {
        if self.category.is_empty() {
            "Unspecified"
        } else {
            &self.category
        }
    }
}
