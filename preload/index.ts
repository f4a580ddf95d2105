// Placeholder: the tray issue replaces this with the typed bridge.
export {};
