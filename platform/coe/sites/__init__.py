"""Common data model, first part: the ISA-95 equipment hierarchy of the enterprise."""
