"""The workbench's services the app renders: drafts, highlights, exports, notes, corpus management.
None imports streamlit."""
