import { describe, expect, it } from 'vitest'
import { insertedRows } from './errant.js'

// `mariadb-binlog --base64-output=decode-rows --verbose` of two errant transactions, as 10.11 prints them.
const decoded = `# at 2048
#261201 11:02:03 server id 1  end_log_pos 2090 CRC32 0x1b2c3d4e 	GTID 0-1-314 trans
/*!100001 SET @@session.gtid_seq_no=314*//*!*/;
START TRANSACTION
/*!*/;
# at 2090
#261201 11:02:03 server id 1  end_log_pos 2200 CRC32 0x5e6f7a8b 	Table_map: \`pos\`.\`sales\` mapped to number 71
### INSERT INTO \`pos\`.\`sales\`
### SET
###   @1='0b6c1f5e-3f0e-4f6e-9a51-2d1f3c4b5a69'
###   @2='mer_harbour'
###   @3='it''s quoted'
### INSERT INTO \`pos\`.\`inventory_deltas\`
### SET
###   @1='sale:0b6c1f5e-3f0e-4f6e-9a51-2d1f3c4b5a69:1'
###   @6='sale'
### UPDATE \`pos\`.\`payments\`
### WHERE
###   @1='pay-1'
### SET
###   @1='pay-1'
# at 2400
#261201 11:02:03 server id 1  end_log_pos 2431 CRC32 0x01020304 	Xid = 9001
COMMIT/*!*/;
### INSERT INTO \`pos\`.\`inventory_deltas\`
### SET
###   @1='drill-restock-7'
###   @5=5
###   @6='restock'
`

describe('insertedRows: the row images of INSERTs into one table', () => {
  it('reads each inserted row by column position, quotes stripped', () => {
    expect(insertedRows(decoded, 'sales')).toEqual([new Map([[1, '0b6c1f5e-3f0e-4f6e-9a51-2d1f3c4b5a69'], [2, 'mer_harbour'], [3, "it''s quoted"]])])
  })

  it('keeps rows of other tables and UPDATE images out', () => {
    expect(insertedRows(decoded, 'inventory_deltas').map((r) => [r.get(1), r.get(6)])).toEqual([
      ['sale:0b6c1f5e-3f0e-4f6e-9a51-2d1f3c4b5a69:1', 'sale'],
      ['drill-restock-7', 'restock'],
    ])
    expect(insertedRows(decoded, 'payments')).toEqual([])
  })
})
