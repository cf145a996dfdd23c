//! The small demo practice of `seed-demo`, as plain data: eleven clients over two years whose
//! stories between them show every feature of the app at first sight (see `demo.rs` for how it
//! is written, and the module test below for what it must cover).
//!
//! Dates are days before the day of seeding, so "retest due" and "overdue" stay true whenever
//! the demo is loaded. Levels are written as a lab prints them (mg%), parsed like a typed form.

use crate::domain::sex::Sex;

/// One supplement of a program: name, dose, unit, frequency.
pub(super) type Supplement = (&'static str, &'static str, &'static str, &'static str);

pub(super) struct DemoTest {
    pub days_ago: i64,
    pub lab: &'static str,
    pub washed: bool,
    /// `Ca 160; Mg 18; K QNS`: the elements of this test that differ from the client's usual
    /// panel (`QNS` = not measured).
    pub levels: &'static str,
    pub notes: &'static str,
    /// What the practitioner noted when reviewing the flags this test raised.
    pub review_note: &'static str,
}

pub(super) struct DemoProgram {
    /// The version starts a week after this test (0-based).
    pub after_test: usize,
    pub diet: &'static str,
    pub lifestyle: &'static str,
    pub supplements: &'static [Supplement],
}

/// A symptom the client logs: its key (a default one, or `custom` for the client's own added
/// symptom), the usual severity at the start and at the end of the diary, and when it happens.
pub(super) struct DemoSymptom {
    pub key: &'static str,
    pub from: f64,
    pub to: f64,
    pub time_of_day: Option<&'static str>,
    /// The last ten days run this much worse (a flare the timeline flags as rising).
    pub flare: f64,
}

pub(super) struct DemoDiary {
    pub starts_days_ago: i64,
    /// Share of days with an entry.
    pub compliance: f64,
    pub symptoms: &'static [DemoSymptom],
    /// A symptom the practitioner added for this client (its label), logged as `custom`.
    pub custom_symptom: Option<&'static str>,
    /// The practitioner's notes on days of the diary (days ago, note).
    pub annotations: &'static [(i64, &'static str)],
}

pub(super) struct DemoClient {
    pub name: &'static str,
    pub code: &'static str,
    pub born: (i32, u32, u32),
    pub sex: Sex,
    pub email: Option<&'static str>,
    pub phone: Option<&'static str>,
    pub notes: &'static str,
    pub retest_interval_months: Option<i64>,
    pub archived_days_ago: Option<i64>,
    /// The client signs in to the portal (with the demo password) and sees their results.
    pub portal: bool,
    pub tests: &'static [DemoTest],
    pub programs: &'static [DemoProgram],
    pub diary: Option<DemoDiary>,
    /// Progress summaries: (days ago made, months covered, shared with the client, comment).
    pub summaries: &'static [(i64, u32, bool, &'static str)],
}

/// The elements every demo test reports, with a typical level (mg%) that varies a little from
/// test to test: a full panel, clear of toxic-metal and poor-eliminator findings unless a test
/// says otherwise.
pub(super) const USUAL_PANEL: &[(&str, f64)] = &[
    ("P", 15.0),
    ("Zn", 17.0),
    ("Cu", 2.2),
    ("Fe", 1.6),
    ("Mn", 0.04),
    ("Cr", 0.06),
    ("Se", 0.12),
    ("B", 0.3),
    ("Co", 0.0012),
    ("Mo", 0.003),
    ("Li", 0.002),
    ("Pb", 0.03),
    ("Hg", 0.025),
    ("Cd", 0.005),
    ("As", 0.005),
    ("Al", 0.03),
    ("Ni", 0.017),
    ("Sr", 0.04),
    ("Ba", 0.02),
];

const fn test(days_ago: i64, levels: &'static str) -> DemoTest {
    DemoTest {
        days_ago,
        lab: "ARL",
        washed: false,
        levels,
        notes: "",
        review_note: "",
    }
}

const fn reviewed(days_ago: i64, levels: &'static str, review_note: &'static str) -> DemoTest {
    DemoTest {
        days_ago,
        lab: "ARL",
        washed: false,
        levels,
        notes: "",
        review_note,
    }
}

const SLOW_START: &[Supplement] = &[
    ("Calcium/magnesium", "1", "tablet", "twice daily with meals"),
    ("Potassium citrate", "99", "mg", "daily"),
    ("Kelp", "1", "capsule", "daily"),
    ("Vitamin B complex", "1", "capsule", "with breakfast"),
];
const SLOW_LATER: &[Supplement] = &[
    ("Magnesium glycinate", "200", "mg", "twice daily"),
    ("Potassium citrate", "99", "mg", "twice daily"),
    ("Kelp", "1", "capsule", "daily"),
    ("Vitamin B complex", "1", "capsule", "with breakfast"),
    ("Zinc", "15", "mg", "daily"),
];
const FAST_START: &[Supplement] = &[
    (
        "Calcium/magnesium",
        "2",
        "tablets",
        "twice daily with meals",
    ),
    ("Zinc", "15", "mg", "daily"),
    ("Copper", "1", "mg", "daily"),
    ("Vitamin D3", "2000", "IU", "daily"),
];
const BALANCING: &[Supplement] = &[
    ("Magnesium glycinate", "200", "mg", "at bedtime"),
    ("Sea salt", "1/4", "tsp", "in water, mornings"),
    ("Vitamin C", "500", "mg", "daily"),
];
const FOUR_LOWS: &[Supplement] = &[
    ("Adrenal glandular", "1", "capsule", "with breakfast"),
    ("Calcium/magnesium", "1", "tablet", "twice daily with meals"),
    ("Kelp", "1", "capsule", "daily"),
];

const COOKED: &str =
    "Cooked vegetables at every meal, protein twice a day, no sugar or fruit juice.";
const FAST_DIET: &str = "More fats and oils, protein at every meal, fewer grains and no coffee.";
const REST: &str = "Eight hours of sleep, gentle walks, rest after meals.";

pub(super) const DEMO_CLIENTS: &[DemoClient] = &[
    // A slow oxidizer with night leg cramps (the seed article's bio-unavailable calcium): a
    // calcium shell comes and goes, hidden copper appears with low zinc and resolves (CMP-3;
    // a consideration on the test page, as she logs cramps), potassium recovers, the cramps
    // ease. She uses the portal.
    DemoClient {
        name: "Maria Jensen",
        code: "MJ-001",
        born: (1978, 4, 12),
        sex: Sex::Female,
        email: Some("maria.jensen@example.com"),
        phone: Some("+45 2012 3456"),
        notes: "Night leg cramps for two years; drinks a lot of coffee.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: true,
        tests: &[
            test(715, "Ca 160; Mg 18; Na 8; K 2; Zn 14"),
            reviewed(
                595,
                "Ca 175; Mg 19; Na 9; K 2.5; Zn 11",
                "Calcium shell as expected early on; keep the magnesium.",
            ),
            reviewed(475, "Ca 140; Mg 15; Na 11; K 3.5", "Shell gone. Good."),
            reviewed(355, "Ca 110; Mg 12; Na 14; K 4.5", "Potassium up at last."),
            test(235, "Ca 85; Mg 10; Na 17; K 6"),
            test(112, "Ca 70; Mg 9; Na 20; K 9"),
        ],
        programs: &[
            DemoProgram {
                after_test: 0,
                diet: COOKED,
                lifestyle: "In bed by ten; stretch the calves before sleep.",
                supplements: SLOW_START,
            },
            DemoProgram {
                after_test: 2,
                diet: COOKED,
                lifestyle: REST,
                supplements: SLOW_LATER,
            },
            DemoProgram {
                after_test: 4,
                diet: "Cooked vegetables, protein twice a day; one coffee a day at most.",
                lifestyle: REST,
                supplements: BALANCING,
            },
        ],
        diary: Some(DemoDiary {
            starts_days_ago: 720,
            compliance: 0.8,
            symptoms: &[
                DemoSymptom {
                    key: "night_cramps",
                    from: 7.0,
                    to: 1.5,
                    time_of_day: Some("night"),
                    flare: 0.0,
                },
                DemoSymptom {
                    key: "leg_cramps",
                    from: 5.0,
                    to: 1.0,
                    time_of_day: Some("night"),
                    flare: 0.0,
                },
                DemoSymptom {
                    key: "fatigue",
                    from: 5.0,
                    to: 3.0,
                    time_of_day: Some("day"),
                    flare: 0.0,
                },
            ],
            custom_symptom: None,
            annotations: &[
                (
                    600,
                    "Magnesium raised this week: see whether the night cramps ease.",
                ),
                (300, "Much better month. Keep the evening stretches."),
                (
                    20,
                    "Coffee back to two cups: cramps returned twice this week.",
                ),
            ],
        }),
        summaries: &[(
            100,
            12,
            true,
            "A year of steady progress: the calcium shell resolved, potassium recovered and the \
             night cramps are rare now. Keep the program as it is until the next test.",
        )],
    },
    // A runner with cramps during exercise: fast oxidation moving through mixed to slow, one of
    // the changes decided by a borderline Ca/K (3.9 against 4.0).
    DemoClient {
        name: "Tom Becker",
        code: "TB-002",
        born: (1985, 9, 3),
        sex: Sex::Male,
        email: Some("tom.becker@example.com"),
        phone: None,
        notes: "Runner; cramps during and after long runs.",
        retest_interval_months: Some(3),
        archived_days_ago: None,
        portal: false,
        tests: &[
            test(690, "Ca 22; Mg 2.5; Na 60; K 25; Zn 12; Cu 1.2"),
            reviewed(
                560,
                "Ca 30; Mg 3.5; Na 50; K 18; Zn 13; Cu 1.6",
                "Fast oxidation easing as expected.",
            ),
            test(430, "Ca 39; Mg 5; Na 35; K 10; Zn 14"),
            reviewed(
                300,
                "Ca 48; Mg 6.5; Na 33; K 10.5",
                "Borderline change: Ca/K was 3.9 last time. Watch, don't react.",
            ),
            test(170, "Ca 52; Mg 7.5; Na 28; K 11"),
            test(45, "Ca 46; Mg 7; Na 26; K 10.5"),
        ],
        programs: &[
            DemoProgram {
                after_test: 0,
                diet: FAST_DIET,
                lifestyle: "Long runs down to twice a week; a rest day after each.",
                supplements: FAST_START,
            },
            DemoProgram {
                after_test: 3,
                diet: COOKED,
                lifestyle: "Back to three runs a week, none over 15 km.",
                supplements: BALANCING,
            },
        ],
        diary: Some(DemoDiary {
            starts_days_ago: 690,
            compliance: 0.6,
            symptoms: &[
                DemoSymptom {
                    key: "exercise_cramps",
                    from: 6.0,
                    to: 1.0,
                    time_of_day: Some("exercise"),
                    flare: 0.0,
                },
                DemoSymptom {
                    key: "muscle_tightness",
                    from: 4.0,
                    to: 2.0,
                    time_of_day: Some("exercise"),
                    flare: 0.0,
                },
            ],
            custom_symptom: None,
            annotations: &[],
        }),
        summaries: &[(
            160,
            12,
            false,
            "From fast to slow oxidation over the year; exercise cramps much less frequent.",
        )],
    },
    // Four lows turning slow; the restless legs do not ease and flare in the last ten days.
    // The retest is overdue.
    DemoClient {
        name: "Aiko Tanaka",
        code: "AT-003",
        born: (1991, 1, 27),
        sex: Sex::Female,
        email: Some("aiko.tanaka@example.com"),
        phone: Some("+45 3145 9920"),
        notes: "Restless legs in the evening, fatigue.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: false,
        tests: &[
            test(650, "Ca 30; Mg 4; Na 12; K 6"),
            reviewed(
                520,
                "Ca 24; Mg 3.2; Na 10; K 5",
                "Deeper four lows; more rest.",
            ),
            reviewed(
                400,
                "Ca 55; Mg 6.5; Na 14; K 5",
                "Out of four lows: a good sign even if she feels no better yet.",
            ),
            test(280, "Ca 62; Mg 7; Na 15; K 5.5"),
            reviewed(
                160,
                "Ca 58; Mg 7; Na 13; K 3.5",
                "Potassium low again. Discussed salt and vegetables.",
            ),
        ],
        programs: &[
            DemoProgram {
                after_test: 0,
                diet: COOKED,
                lifestyle: "Rest after lunch; no screens after nine.",
                supplements: FOUR_LOWS,
            },
            DemoProgram {
                after_test: 2,
                diet: COOKED,
                lifestyle: "Rest after lunch; no screens after nine.",
                supplements: SLOW_START,
            },
        ],
        diary: Some(DemoDiary {
            starts_days_ago: 650,
            compliance: 0.7,
            symptoms: &[
                DemoSymptom {
                    key: "restless_legs",
                    from: 5.0,
                    to: 5.0,
                    time_of_day: Some("night"),
                    flare: 4.0,
                },
                DemoSymptom {
                    key: "fatigue",
                    from: 6.0,
                    to: 4.0,
                    time_of_day: Some("day"),
                    flare: 0.0,
                },
            ],
            custom_symptom: None,
            annotations: &[],
        }),
        summaries: &[],
    },
    // A slow oxidizer with lead coming down and a calcium shell (male bands) that doubles, then
    // resolves. Ca/K exactly 30 on one test: `slow moderate` by exact arithmetic. No diary;
    // the retest is overdue.
    DemoClient {
        name: "Liam O'Connor",
        code: "LO-004",
        born: (1969, 6, 15),
        sex: Sex::Male,
        email: None,
        phone: Some("+353 87 123 4567"),
        notes: "Neck and upper back tension; office work. Old house with lead pipes.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: false,
        tests: &[
            test(700, "Ca 165; Mg 16; Na 12; K 4; Pb 0.35"),
            reviewed(
                570,
                "Ca 210; Mg 19; Na 10; K 3; Pb 0.22",
                "Shell thicker; lead falling. Water filter fitted.",
            ),
            reviewed(440, "Ca 150; Mg 14; Na 14; K 5; Pb 0.12", ""),
            reviewed(
                310,
                "Ca 110; Mg 11; Na 18; K 7; Pb 0.06",
                "Lead below the limit now.",
            ),
            test(190, "Ca 95; Mg 10; Na 21; K 8.5; Pb 0.04"),
        ],
        programs: &[DemoProgram {
            after_test: 0,
            diet: COOKED,
            lifestyle: "Filtered water only; a standing desk; walks at lunch.",
            supplements: SLOW_LATER,
        }],
        diary: None,
        summaries: &[],
    },
    // Hidden copper in a slow oxidizer (five indicators, then four, then gone), a poor
    // eliminator of toxic metals, cold hands and feet easing; the practitioner added a symptom.
    DemoClient {
        name: "Sofia Rossi",
        code: "SR-005",
        born: (1982, 11, 2),
        sex: Sex::Female,
        email: Some("sofia.rossi@example.com"),
        phone: None,
        notes: "Cold hands and feet; vegetarian diet.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: false,
        tests: &[
            test(
                600,
                "Ca 120; Mg 13; Na 9; K 4.5; Zn 11; P 12; Cu 4; Hg 0.01; Cd 0.002; Al 0.05",
            ),
            reviewed(
                470,
                "Ca 105; Mg 12; Na 11; K 5; Zn 12.5; P 13.5; Cu 3.4",
                "",
            ),
            reviewed(
                340,
                "Ca 80; Mg 10; Na 15; K 6; Zn 14; P 14.5; Cu 2.8",
                "Copper indicators down to one.",
            ),
            test(210, "Ca 65; Mg 9; Na 19; K 7.5; Zn 15; Cu 2.5"),
            test(80, "Ca 58; Mg 8; Na 22; K 8.5"),
        ],
        programs: &[
            DemoProgram {
                after_test: 0,
                diet: "Cooked vegetables, eggs and legumes daily; less soy and chocolate.",
                lifestyle: "Warm footbaths in the evening.",
                supplements: &[
                    ("Zinc", "30", "mg", "daily"),
                    ("Vitamin B6", "50", "mg", "daily"),
                    ("Kelp", "1", "capsule", "daily"),
                ],
            },
            DemoProgram {
                after_test: 2,
                diet: "Cooked vegetables, eggs and legumes daily.",
                lifestyle: "Warm footbaths in the evening.",
                supplements: SLOW_LATER,
            },
        ],
        diary: Some(DemoDiary {
            starts_days_ago: 600,
            compliance: 0.55,
            symptoms: &[
                DemoSymptom {
                    key: "cold_hands_feet",
                    from: 6.0,
                    to: 2.5,
                    time_of_day: Some("day"),
                    flare: 0.0,
                },
                DemoSymptom {
                    key: "custom",
                    from: 4.0,
                    to: 1.0,
                    time_of_day: None,
                    flare: 0.0,
                },
            ],
            custom_symptom: Some("Chilblains on the toes"),
            annotations: &[(200, "Footbaths help, she says.")],
        }),
        summaries: &[],
    },
    // The first test could not be typed (potassium not measured: undetermined), then fast,
    // mixed and slow.
    DemoClient {
        name: "Noah Schmidt",
        code: "NS-006",
        born: (1975, 3, 30),
        sex: Sex::Unrecorded,
        email: None,
        phone: None,
        notes: "Muscle tightness after starting a new exercise programme.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: false,
        tests: &[
            DemoTest {
                days_ago: 540,
                lab: "TEI",
                washed: false,
                levels: "Ca 45; Mg 5; Na 30; K QNS",
                notes: "Potassium QNS on the lab report (not enough sample).",
                review_note: "",
            },
            reviewed(420, "Ca 45; Mg 5; Na 30; K 15", ""),
            reviewed(300, "Ca 40; Mg 6; Na 24; K 12", ""),
            test(130, "Ca 44; Mg 6.2; Na 23; K 10"),
        ],
        programs: &[DemoProgram {
            after_test: 1,
            diet: FAST_DIET,
            lifestyle: "Stretch after training; one rest day a week.",
            supplements: FAST_START,
        }],
        diary: Some(DemoDiary {
            starts_days_ago: 400,
            compliance: 0.5,
            symptoms: &[DemoSymptom {
                key: "muscle_tightness",
                from: 6.0,
                to: 3.0,
                time_of_day: Some("exercise"),
                flare: 0.0,
            }],
            custom_symptom: None,
            annotations: &[],
        }),
        summaries: &[],
    },
    // A new client: one test three weeks ago, fast oxidation with high potassium.
    DemoClient {
        name: "Elena Costa",
        code: "EC-007",
        born: (1990, 7, 19),
        sex: Sex::Female,
        email: Some("elena.costa@example.com"),
        phone: Some("+351 912 345 678"),
        notes: "Anxious, sleeps badly, cramps in the calves after work.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: false,
        tests: &[test(21, "Ca 28; Mg 3.5; Na 45; K 20; Zn 13; Cu 1.5")],
        programs: &[DemoProgram {
            after_test: 0,
            diet: FAST_DIET,
            lifestyle: "No coffee; in bed by half past ten.",
            supplements: FAST_START,
        }],
        diary: Some(DemoDiary {
            starts_days_ago: 30,
            compliance: 0.9,
            symptoms: &[DemoSymptom {
                key: "leg_cramps",
                from: 6.0,
                to: 5.0,
                time_of_day: Some("day"),
                flare: 0.0,
            }],
            custom_symptom: None,
            annotations: &[],
        }),
        summaries: &[],
    },
    // An extreme slow oxidizer with a thick calcium shell and a magnesium shell (the bowl
    // pattern, hidden copper), not retested for over a year; at the last test sodium shot up
    // against potassium: the double high.
    DemoClient {
        name: "Jonas Weber",
        code: "JW-008",
        born: (1958, 2, 8),
        sex: Sex::Male,
        email: None,
        phone: Some("+49 170 555 0199"),
        notes: "Stiff back in the mornings; retired.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: false,
        tests: &[
            test(720, "Ca 320; Mg 30; Na 5; K 2.5"),
            reviewed(560, "Ca 250; Mg 24; Na 7; K 3", "Shell thinning."),
            reviewed(
                400,
                "Ca 190; Mg 18; Na 20; K 3.2",
                "Sodium up sharply: stress.",
            ),
        ],
        programs: &[DemoProgram {
            after_test: 0,
            diet: COOKED,
            lifestyle: REST,
            supplements: SLOW_START,
        }],
        diary: None,
        summaries: &[],
    },
    // A washed sample from another lab between two unwashed ones: the flags say so.
    DemoClient {
        name: "Priya Nair",
        code: "PN-009",
        born: (1987, 12, 1),
        sex: Sex::Female,
        email: Some("priya.nair@example.com"),
        phone: None,
        notes: "Tired all the time; two small children.",
        retest_interval_months: Some(5),
        archived_days_ago: None,
        portal: false,
        tests: &[
            test(500, "Ca 60; Mg 8; Na 40; K 12"),
            DemoTest {
                days_ago: 330,
                lab: "Doctor's Data",
                washed: true,
                levels: "Ca 50; Mg 7; Na 18; K 5",
                notes: "Done at another lab, which washes the hair.",
                review_note: "Washed sample: low Na and K expected. Back to ARL next time.",
            },
            test(150, "Ca 55; Mg 7.5; Na 35; K 13"),
        ],
        programs: &[DemoProgram {
            after_test: 0,
            diet: COOKED,
            lifestyle: "A nap when the children nap.",
            supplements: BALANCING,
        }],
        diary: Some(DemoDiary {
            starts_days_ago: 480,
            compliance: 0.35,
            symptoms: &[DemoSymptom {
                key: "fatigue",
                from: 7.0,
                to: 5.0,
                time_of_day: Some("day"),
                flare: 0.0,
            }],
            custom_symptom: None,
            annotations: &[],
        }),
        summaries: &[],
    },
    // Fast, then extreme fast and burned out (Na/K below 2.5 appears), then four lows (a
    // passing stage, with the double low and ARL's caveat) and slow: the latest flags wait for
    // review.
    DemoClient {
        name: "Hugo Lindqvist",
        code: "HL-010",
        born: (1979, 5, 23),
        sex: Sex::Male,
        email: Some("hugo.lindqvist@example.com"),
        phone: Some("+46 70 123 45 67"),
        notes: "Night cramps and tingling feet; high-pressure job.",
        retest_interval_months: None,
        archived_days_ago: None,
        portal: false,
        tests: &[
            test(560, "Ca 15; Mg 2; Na 55; K 20; Zn 10; Cu 1.5"),
            reviewed(
                430,
                "Ca 10; Mg 1.5; Na 40; K 30; Zn 11; Cu 1.6",
                "Under heavy stress.",
            ),
            reviewed(
                300,
                "Ca 20; Mg 4.5; Na 18; K 8",
                "Four lows: exhaustion stage, expected.",
            ),
            reviewed(170, "Ca 35; Mg 5; Na 20; K 7", ""),
            test(35, "Ca 48; Mg 6.5; Na 22; K 7.5"),
        ],
        programs: &[
            DemoProgram {
                after_test: 0,
                diet: FAST_DIET,
                lifestyle: "Leave work by six; no email after eight.",
                supplements: FAST_START,
            },
            DemoProgram {
                after_test: 2,
                diet: COOKED,
                lifestyle: REST,
                supplements: FOUR_LOWS,
            },
        ],
        diary: Some(DemoDiary {
            starts_days_ago: 560,
            compliance: 0.75,
            symptoms: &[
                DemoSymptom {
                    key: "night_cramps",
                    from: 6.0,
                    to: 2.0,
                    time_of_day: Some("night"),
                    flare: 0.0,
                },
                DemoSymptom {
                    key: "numbness_tingling",
                    from: 4.0,
                    to: 4.0,
                    time_of_day: Some("night"),
                    flare: 0.0,
                },
            ],
            custom_symptom: None,
            annotations: &[],
        }),
        summaries: &[],
    },
    // A former client, archived: found under "Archived", nothing deleted.
    DemoClient {
        name: "Clara Dubois",
        code: "CD-011",
        born: (1994, 9, 14),
        sex: Sex::Female,
        email: None,
        phone: None,
        notes: "Moved abroad; program ended.",
        retest_interval_months: None,
        archived_days_ago: Some(300),
        portal: false,
        tests: &[test(500, "Ca 60; Mg 8; Na 40; K 12")],
        programs: &[],
        diary: None,
        summaries: &[],
    },
];
