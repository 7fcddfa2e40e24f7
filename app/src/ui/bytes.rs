//! Sizes of files and storage, as people read them.

/// Bytes as people read them (decimal units, one decimal below 100): `0 B`, `12.3 MB`, `5 GB`.
pub fn format_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let bytes = u128::from(bytes.max(0).unsigned_abs());
    let (mut unit, mut scale) = (0, 1_u128);
    while unit < UNITS.len() - 1 && bytes >= scale * 1000 {
        scale *= 1000;
        unit += 1;
    }
    // Rounded to tenths of the unit.
    let tenths = (bytes * 10 + scale / 2) / scale;
    if unit == 0 || tenths >= 1000 || tenths % 10 == 0 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::format_bytes;

    #[test]
    fn bytes_are_written_in_decimal_units() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(12_345_678), "12.3 MB");
        assert_eq!(format_bytes(100_000_000), "100 MB");
        assert_eq!(format_bytes(5_000_000_000), "5 GB");
    }
}
