export const PACKAGE = '@cairn/appliance';
