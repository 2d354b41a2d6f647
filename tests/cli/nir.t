Placeholder.

  $ vigie --version
  vigie 0.1.0
