"""One module per lint rule; the registry imports every module in this package."""
