"""What several test files share: a register with staff, typing into the GUI, replies, the tally's register."""
