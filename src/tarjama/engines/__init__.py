"""Translation engines behind one interface (base.py), chosen by name (registry.py)."""
