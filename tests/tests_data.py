"""Small shared texts for the print-craft tests."""

SENDER_TOML = """[sender]
name = "ささき雑貨店"
postal_code = "060-0001"
address = "北海道札幌市中央区北一条西2丁目1番地 札幌時計台前"
address2 = "グランドレジデンス大通公園ウエストタワー2501号室"
"""
