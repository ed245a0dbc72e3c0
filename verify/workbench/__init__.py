"""The workbench's services the app renders: the index in use and its background update
(``live_index``), documents, drafts and their annotation, batch files, find, highlights and their
colours (``palette``), exports, notes, corpus management. None imports streamlit."""
