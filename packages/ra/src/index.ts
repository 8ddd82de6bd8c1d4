export const PACKAGE = '@cairn/ra';
