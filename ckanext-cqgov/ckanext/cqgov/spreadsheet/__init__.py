"""The catalog as an XLSX workbook: template, import and export."""
