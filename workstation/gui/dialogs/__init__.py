"""The small dialogs of the case view: each calls one service and shows its Chinese error beside the field."""
