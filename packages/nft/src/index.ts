export const PACKAGE = '@cairn/nft';
