"""Pure-Python rules of the regulation: no Django import anywhere in this package."""
