// node-oracledb ships no types; the kernel uses it only through the OracleDriver interface.
declare module "oracledb" {
  const oracledb: unknown;
  export default oracledb;
}
