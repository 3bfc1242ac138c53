"""The CSA validation record of a template version: the document, its rules and its storage."""
