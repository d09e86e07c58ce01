-- roa2web read model on Oracle: the BNR exchange rates (docs/demo-erp.md, table exchange_rates).
--
-- Run as the roa2web schema owner (the DBA grants SELECT on the ROA table first). The
-- plugin queries the same SQL on the demo ERP and here, so the view keeps the read model's
-- names and types: dates as 'YYYY-MM-DD' text (compared as strings), the rate as BNR
-- publishes it (lei for `multiplier` units: 100 for HUF, 1 for EUR, USD, GBP), banking
-- days only (BNR publishes nothing on weekends and public holidays).
--
-- ASSUMPTION to confirm with ROA's DBA: ROA keeps BNR's daily rates in
-- CONTAFIN_ORACLE.CURS_VALUTAR (DATA DATE, VALUTA VARCHAR2(3), CURS NUMBER, MULTIPLICATOR NUMBER).
-- Adjust the FROM clause and the source column names to the real table; keep the output
-- column names. Where ROA stores the rate already divided by 100 for HUF, select
-- MULTIPLICATOR as 1 and the rate as it is: the plugin divides `rate` by `multiplier`.

CREATE OR REPLACE VIEW exchange_rates AS
SELECT TO_CHAR(c.data, 'YYYY-MM-DD')           AS rate_date,
       UPPER(c.valuta)                         AS currency,
       c.curs                                  AS rate,
       NVL(c.multiplicator, 1)                 AS multiplier
  FROM contafin_oracle.curs_valutar c
 WHERE c.curs > 0;

-- The plugin looks a rate up by currency and a date range ("the last banking day on or
-- before the receipt's date"): an index on the source table's (VALUTA, DATA) serves it.
