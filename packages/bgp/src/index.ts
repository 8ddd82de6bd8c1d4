export const PACKAGE = '@cairn/bgp';
