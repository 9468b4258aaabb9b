"""What makes findings usable in CI: suppression comments, fingerprints, the baseline, and what a run covered."""
