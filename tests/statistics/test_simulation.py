"""The policy simulator: hand-computed cases, seeds, and the properties every run keeps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yms.schemes.catalogue import shipped
from yms.statistics.domain.demand import Demand, DemandError, Parameters
from yms.statistics.domain.draws import Expected, Random
from yms.statistics.domain.outcome import summarise
from yms.statistics.domain.simulation import Design, Flow, Pool, Rates, build_design, simulate
from yms.statistics.services.simulation import DEFAULT_DEMAND, demand_path, load_demand

HAND_RATES = Rates(
    acceptance=0.8, refusal=0.1, extension=0.5, windows=1, months_to_apply=1, months_to_decision=1
)


def _one_pool(*, extension: int = 0) -> Design:
    return Design(
        key="hand",
        title="one pool",
        start_year=2027,
        years=3,
        flows=(Flow("XX-GB", "XX", "GB", 0, 3000.0, 24, extension),),
        pools=(Pool("a", (1000, 1000, 1000), ballot=True, invitation_expiry_days=90),),
        rates=HAND_RATES,
    )


def test_one_pool_with_a_ballot_reproduces_the_hand_calculation() -> None:
    # One pool of 1,000 places a year; 3,000 entries a year in one window (January);
    # invitations last 90 days = 3 months, so the window runs rounds in January, April,
    # July and October; 80% accept and apply 1 month later; decisions 1 month after
    # that; 10% refused; every count rounded halves up.
    #
    # Jan: offered 1000 - 0 granted - 0 pending = 1000; invited 1000 (2000 wait);
    #      accepted 1000 x 0.8 = 800, decided in March.
    # Mar: 800 decided: refused 80, granted 720.
    # Apr: offered 1000 - 720 = 280; invited 280; accepted 224 -> June: refused 22.4 -> 22,
    #      granted 202 (922 in the year).
    # Jul: offered 1000 - 922 = 78; invited 78; accepted 62.4 -> 62 -> September:
    #      refused 6.2 -> 6, granted 56 (978).
    # Oct: offered 1000 - 978 = 22; invited 22; accepted 17.6 -> 18 -> December:
    #      refused 1.8 -> 2, granted 16 (994).
    # A year: 3,000 entries, 1000 + 280 + 78 + 22 = 1,380 invitations (odds 1380/3000 =
    # 0.46), 720 + 202 + 56 + 16 = 994 grants. Each grant stays 24 months, so at the
    # end of the years: 994, 994 + 994 = 1,988, and 1,988 again (the first year's leave).
    tally = simulate(_one_pool(), expected=True)
    assert tally.entries[:, 0, 0].tolist() == [3000, 3000, 3000]
    assert tally.invitations[:, 0, 0].tolist() == [1380, 1380, 1380]
    assert tally.grants[:, 0, 0].tolist() == [994, 994, 994]
    assert tally.stock[:, 0, 0].tolist() == [994, 1988, 1988]
    assert tally.pool_grants[:12, 0, 0].tolist() == [0, 0, 720, 0, 0, 202, 0, 0, 56, 0, 0, 16]
    assert tally.turned_away.sum() == tally.paused.sum() == 0
    first = summarise(tally).flows[0].years[0]
    assert first.odds is not None
    assert (first.odds.mean, first.odds.low, first.odds.high) == (0.46, 0.46, 0.46)


def test_extensions_keep_half_a_year_longer_in_the_stock() -> None:
    # As above, with a 12-month extension taken by half: of March's 720, 360 extend; of
    # June's 202, 101; of September's 56, 28; of December's 16, 8: 497 of each year's 994
    # stay 36 months. End of year 3: years 2 and 3 (994 + 994) and year 1's 497 = 2,485.
    tally = simulate(_one_pool(extension=12), expected=True)
    assert tally.stock[:, 0, 0].tolist() == [994, 1988, 2485]


def test_a_brake_holds_grants_to_its_threshold_and_the_rest_wait() -> None:
    # Uncapped, no ballot, 1,800 applications a year = 150 a month, none refused,
    # decided a month later; the brake allows 100 grants a month. January's are decided
    # in February: 100 granted, 50 wait; March: 150 + 50 = 200, 100 granted, 100 wait; ...
    # Year 1: 11 months x 100 = 1,100 granted; waiting at its end 11 x 150 - 1,100 = 550.
    design = Design(
        key="brake",
        title="brake",
        start_year=2027,
        years=2,
        flows=(Flow("XX-GB", "XX", "GB", 0, 1800.0, 24),),
        pools=(Pool("a", (None, None), brake_threshold=100, brake_months=1),),
        rates=Rates(refusal=0.0, months_to_decision=1),
    )
    tally = simulate(design, expected=True)
    assert tally.entries[:, 0, 0].tolist() == [1800, 1800]
    assert tally.grants[:, 0, 0].tolist() == [1100, 1200]
    assert tally.paused[:, 0, 0].tolist() == [550, 1150]
    assert tally.invitations.sum() == 0
    assert summarise(tally).flows[0].years[0].odds is None


def test_a_pooled_ballot_shares_places_by_largest_remainders() -> None:
    # One pool, two nationalities: 700 and 300 entries, 101 places, one round (an
    # invitation lasting a year leaves no time for another). Shares: 101 x 0.7 = 70.7 and
    # 101 x 0.3 = 30.3; whole parts 70 + 30 = 100; the last place goes to the larger
    # remainder (0.7): 71 and 30.
    design = Design(
        key="pooled",
        title="pooled",
        start_year=2027,
        years=1,
        flows=(Flow("AA-GB", "AA", "GB", 0, 700.0, 24), Flow("BB-GB", "BB", "GB", 0, 300.0, 24)),
        pools=(Pool("a", (101,), ballot=True, invitation_expiry_days=365),),
        rates=Rates(acceptance=1.0, refusal=0.0, windows=1),
    )
    tally = simulate(design, expected=True)
    assert tally.invitations[0, 0].tolist() == [71, 30]
    assert tally.grants[0, 0].tolist() == [71, 30]


def test_expected_arrivals_add_up_to_the_year_exactly() -> None:
    steps = [Expected().arrivals(np.array([1000.4, 7.5, 0.0]), step, 12)[0] for step in range(12)]
    assert np.sum(steps, axis=0).tolist() == [1000, 8, 0]  # halves up: 7.5 -> 8


def test_thin_rounds_halves_up_in_whole_numbers() -> None:
    counts = np.array([[0, 1, 5, 15, 29, 1001]])
    assert Expected().thin(counts, 0.1).tolist() == [[0, 0, 1, 2, 3, 100]]
    assert Expected().thin(counts, 0.29).tolist() == [[0, 0, 1, 4, 8, 290]]


@pytest.fixture(scope="module")
def eu_design() -> Design:
    demand = load_demand(demand_path(DEFAULT_DEMAND))
    return build_design(shipped().latest("eu-uk-yes"), demand, years=3)


def test_the_same_seed_gives_the_same_output_and_another_seed_differs(eu_design: Design) -> None:
    first = simulate(eu_design, runs=30, seed=7)
    again = simulate(eu_design, runs=30, seed=7)
    other = simulate(eu_design, runs=30, seed=8)
    for name in ("entries", "invitations", "grants", "stock", "paused", "turned_away"):
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    assert not np.array_equal(first.entries, other.entries)
    assert summarise(first) == summarise(again)


def test_a_scheme_and_a_demand_make_flows_and_pools(eu_design: Design) -> None:
    assert eu_design.hub == "GB"
    assert len(eu_design.flows) == 54
    assert [pool.allocation_id for pool in eu_design.pools] == ["eu-to-uk-2027", "uk-to-eu-2027"]
    assert eu_design.pools[0].places == (44000, 44000, 44000)  # 2028 on: repeated
    assert eu_design.pools[0].brake_threshold == 4400
    out = [flow for flow in eu_design.flows if flow.nationality == "GB"]
    demand = load_demand(demand_path(DEFAULT_DEMAND))
    assert sum(flow.yearly_entries for flow in out) == pytest.approx(demand.yearly_entries("GB"))
    germany = next(flow for flow in out if flow.host == "DE")
    malta = next(flow for flow in out if flow.host == "MT")
    assert germany.yearly_entries / malta.yearly_entries == pytest.approx(83_445_000 / 563_000)
    assert (germany.leave_months, germany.extension_months) == (24, 12)


def test_a_demand_with_no_nationality_the_scheme_admits_is_refused() -> None:
    demand = load_demand(demand_path(DEFAULT_DEMAND))
    with pytest.raises(DemandError, match="admitted by uk-yms"):
        build_design(shipped().latest("uk-yms"), demand, years=2)


def test_the_fallback_rule_halves_unset_years_where_asked() -> None:
    demand = Demand.model_validate(
        {
            "title": "AU",
            "applicants_per_year": {"values": {"AU": 10000}},
            "parameters": {"unset_years": "fallback"},
        }
    )
    design = build_design(shipped().latest("uk-yms"), demand, years=3)
    assert design.pools[0].places == (42000, 21000, 10500)  # paragraph 1.A
    as_set = demand.model_copy(update={"parameters": Parameters()})
    repeat = build_design(shipped().latest("uk-yms"), as_set, years=3)
    assert repeat.pools[0].places == (42000, 42000, 42000)  # the default: as last set


def test_random_selection_gives_exactly_the_places_within_each_pool() -> None:
    design = Design(
        key="p",
        title="p",
        start_year=2027,
        years=1,
        flows=tuple(Flow(f"A{i}-GB", f"A{i}", "GB", 0, 1.0, 24) for i in range(5)),
        pools=(Pool("a", (1,)),),
    )
    counts = np.array([[5, 0, 900, 3, 40]] * 200)
    chosen = Random(200, 1).select(counts, np.full((200, 1), 100), design)
    assert (chosen.sum(axis=1) == 100).all()
    assert ((chosen >= 0) & (chosen <= counts)).all()


# --- properties ------------------------------------------------------------------------------

_pools = st.tuples(
    st.one_of(st.none(), st.integers(1, 3000)),  # places (None: uncapped)
    st.booleans(),  # ballot (only where capped)
    st.one_of(st.none(), st.integers(1, 800)),  # brake threshold
    st.sampled_from([1, 3, 12]),  # brake period in months
    st.sampled_from([30, 90, 200]),  # invitation days
)


@st.composite
def designs(draw: st.DrawFn) -> Design:
    pools = draw(st.lists(_pools, min_size=1, max_size=3))
    flows = []
    for index in range(len(pools)):
        for member in range(draw(st.integers(1, 3))):
            code = f"{chr(65 + index)}{chr(65 + member)}"
            leave = draw(st.integers(1, 30))
            extension = draw(st.sampled_from([0, 6]))
            yearly = draw(st.floats(0, 20000))
            flows.append(Flow(f"{code}-GB", code, "GB", index, yearly, leave, extension))
    years = draw(st.integers(1, 3))
    return Design(
        key="drawn",
        title="drawn",
        start_year=2027,
        years=years,
        flows=tuple(flows),
        pools=tuple(
            Pool(
                f"p{index}",
                (places,) * years,
                ballot=ballot and places is not None,
                invitation_expiry_days=days,
                brake_threshold=brake,
                brake_months=months,
            )
            for index, (places, ballot, brake, months, days) in enumerate(pools)
        ),
        rates=Rates(
            acceptance=draw(st.floats(0, 1)),
            refusal=draw(st.floats(0, 1)),
            extension=draw(st.floats(0, 1)),
            windows=draw(st.sampled_from([1, 2, 4])),
            months_to_apply=draw(st.integers(0, 2)),
            months_to_decision=draw(st.integers(0, 2)),
        ),
    )


_PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(design=designs(), expected=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_every_run_keeps_places_brakes_stock_and_balance(
    design: Design, expected: bool, seed: int
) -> None:
    tally = simulate(design, runs=20, seed=seed, expected=expected)
    for index, pool in enumerate(design.pools):
        monthly = tally.pool_grants[:, :, index]
        yearly = monthly.reshape(design.years, 12, -1).sum(axis=1)
        if pool.places[0] is not None:  # grants never exceed a capped year's places
            assert (yearly <= pool.places[0]).all()
        if pool.brake_threshold is not None:  # nor a brake's threshold in its period
            periods = monthly.reshape(-1, pool.brake_months, monthly.shape[1]).sum(axis=1)
            assert (periods <= pool.brake_threshold).all()
    assert (tally.stock >= 0).all()
    assert tally.grants.sum() <= tally.entries.sum()
    assert (tally.invitations.sum(axis=0) <= tally.entries.sum(axis=0)).all()
    for pair in summarise(tally).pairs:
        for year in pair.years:
            if year.there is not None and year.back is not None:
                assert year.balance is not None
                assert year.balance.mean == pytest.approx(
                    year.there.grants.mean - year.back.grants.mean
                )


def test_the_balance_is_one_way_less_the_other(eu_design: Design) -> None:
    outcome = summarise(simulate(eu_design, expected=True))
    assert outcome.total is not None
    for year in outcome.total.years:
        assert year.there is not None
        assert year.back is not None
        assert year.balance == type(year.balance)(
            *(year.there.grants.mean - year.back.grants.mean,) * 3
        )
    france = next(pair for pair in outcome.pairs if pair.a == "FR")
    year = france.years[0]
    assert year.there is not None
    assert year.back is not None
    assert year.balance is not None
    assert year.balance.mean == year.there.grants.mean - year.back.grants.mean
