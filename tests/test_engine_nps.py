import pytest

from csm_extension.engine.config import ConfigError, parse_bands_text
from csm_extension.engine.nps import category, nps, parse_score


@pytest.mark.parametrize(
	"score,cat",
	[(0, "Detractor"), (6, "Detractor"), (7, "Passive"), (8, "Passive"), (9, "Promoter"), (10, "Promoter")],
)
def test_categories_on_their_edges(score, cat):
	assert category(score) == cat


def test_nps_by_hand():
	# 3 promoters, 1 passive, 2 detractors of 6: 50% - 33.3% = 16.7
	assert nps([10, 9, 9, 7, 3, 0]) == pytest.approx(100 * (3 - 2) / 6)
	assert nps([0, 5, 6]) == -100
	assert nps([]) is None


@pytest.mark.parametrize("value,parsed", [(0, 0), ("10", 10), (" 7 ", 7), (8.0, 8)])
def test_scores_as_typed(value, parsed):
	assert parse_score(value) == parsed


@pytest.mark.parametrize("value", [11, -1, "11", "seven", 7.5, None, True, ""])
def test_out_of_range_or_not_a_number_is_refused(value):
	with pytest.raises(ValueError, match=r"Score must be a whole number from 0 to 10, got"):
		parse_score(value)


def test_bands_text():
	assert parse_bands_text("1:100, 1.5:75,2:50") == [[1.0, 100.0], [1.5, 75.0], [2.0, 50.0]]
	with pytest.raises(ConfigError, match=r'bands: entry 2 "1.5-75" must be bound:points'):
		parse_bands_text("1:100, 1.5-75")
