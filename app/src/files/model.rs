//! File types and inputs, shared by server and browser.

use garde::Validate;
use serde::{Deserialize, Serialize};

/// Field names of the multipart uploads.
pub const AVATAR_FIELD: &str = "avatar";
/// The logo upload's file field.
pub const LOGO_FIELD: &str = "logo";
/// The attachment upload's file field.
pub const FILE_FIELD: &str = "file";

/// Longest file name kept for an attachment, in characters (longer names are shortened,
/// keeping the extension).
pub const FILE_NAME_MAX_CHARS: usize = 200;

/// A file attached to a todo, as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Id.
    pub id: String,
    /// Its todo.
    pub todo_id: String,
    /// The uploader's file name (sanitized; metadata only).
    pub file_name: String,
    /// The type the uploader declared (`application/octet-stream` when none); downloads are
    /// always served as an attachment, whatever it says.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Who uploaded it (`None` once that account is gone).
    pub uploaded_by: Option<String>,
    /// Uploaded (`YYYY-MM-DDTHH:MM:SS` UTC).
    pub created_at: String,
    /// Where it downloads from (`/api/todos/attachments/download?org=…&id=…`).
    pub download_url: String,
}

/// Input of `GET /api/todos/attachments`: one todo.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct AttachmentsInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The todo's id.
    #[garde(length(min = 1, max = 64))]
    pub todo: String,
}

/// Input naming one attachment (`POST /api/todos/attachments/delete`, the download).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct AttachmentInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The attachment's id.
    #[garde(length(min = 1, max = 64))]
    pub id: String,
}

/// Input of `POST /api/orgs/logo/delete` (and `DELETE /api/orgs/logo?org=…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct LogoInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
}

/// A picture's addresses (`/files/{key}`), 256 and 64 pixels square.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    /// 256 × 256.
    pub large: String,
    /// 64 × 64.
    pub small: String,
}

impl Picture {
    /// The addresses of stored keys `large` and `small`, when both are set.
    pub fn of(large: Option<&str>, small: Option<&str>) -> Option<Self> {
        Some(Self { large: format!("/files/{}", large?), small: format!("/files/{}", small?) })
    }
}

/// A file name as kept and sent back in `Content-Disposition`: the last path segment, control
/// characters, quotes, backslashes and separators removed, whitespace collapsed, at most
/// [`FILE_NAME_MAX_CHARS`] characters (the extension kept); `file` when nothing is left.
pub fn sanitize_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut clean = String::with_capacity(last.len());
    for c in last.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control()
            || matches!(c, '"' | '\\' | '/' | ';' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
        {
            continue;
        }
        if c == ' ' && (clean.is_empty() || clean.ends_with(' ')) {
            continue;
        }
        clean.push(c);
    }
    let clean = clean.trim_end().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        return "file".to_owned();
    }
    if clean.chars().count() <= FILE_NAME_MAX_CHARS {
        return clean;
    }
    let extension = clean
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| !ext.is_empty() && ext.chars().count() <= 16)
        .unwrap_or_default();
    let keep = FILE_NAME_MAX_CHARS - extension.chars().count() - usize::from(!extension.is_empty());
    let mut short: String = clean.chars().take(keep).collect();
    if !extension.is_empty() {
        short.push('.');
        short.push_str(extension);
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_kept_safe_for_a_header() {
        assert_eq!(sanitize_file_name("report.pdf"), "report.pdf");
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("C:\\Users\\me\\notes.txt"), "notes.txt");
        assert_eq!(sanitize_file_name("a\"b;c\r\nd.txt"), "abc d.txt");
        assert_eq!(sanitize_file_name("  two   words .md "), "two words .md");
        assert_eq!(sanitize_file_name("evil\u{202e}fdp.exe"), "evilfdp.exe");
        assert_eq!(sanitize_file_name(".."), "file");
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name("año.txt"), "año.txt");
        let long = format!("{}.tar.gz", "x".repeat(300));
        let short = sanitize_file_name(&long);
        assert_eq!(short.chars().count(), FILE_NAME_MAX_CHARS);
        assert_eq!(short.rsplit_once('.').map(|(_, ext)| ext), Some("gz"), "{short}");
    }
}
