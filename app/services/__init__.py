"""Use cases over the models: each public function is one transaction's worth of work."""
