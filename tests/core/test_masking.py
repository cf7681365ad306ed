import pytest

from huimin.core.rules import mask_bank_account, mask_phone, mask_resident_id


@pytest.mark.parametrize(
    ("fn", "raw", "masked"),
    [
        (mask_resident_id, "140829199003070019", "1408**********0019"),
        (mask_resident_id, "14082219900101007X", "1408**********007X"),
        (mask_phone, "13835901234", "138****1234"),
        (mask_phone, "", ""),
        (mask_bank_account, "6217000012345678901", "6217***********8901"),
        (mask_bank_account, "", ""),
    ],
)
def test_masks(fn, raw, masked):
    assert fn(raw) == masked
