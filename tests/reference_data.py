"""Published reference values shared by several test modules."""

# Elsayed, Dawood & Karthikeyan (2017), "Evaluating alternatives through the
# application of TOPSIS method with entropy weight", IJETT 46(2), 60-66:
# 12 alternatives x 5 criteria, as typed in pymcdm's test suite (repository
# kotbaton/pymcdm, file test/test_weights.py, TestEntropyWeights), which prints
# the entropy weights under proportion normalization to 6 digits.
ELSAYED_MATRIX = [
    [7, 312, 1891, 6613, 163],
    [72, 88, 728, 941804, 1078],
    [10, 252, 2594, 3466, 117471],
    [10, 145, 980, 2371, 86329],
    [65, 54, 350, 501, 29897],
    [29, 48, 380, 912, 34051],
    [7, 476, 3300, 78470, 2212],
    [70, 87, 650, 733, 819000],
    [4, 86, 591, 3015, 103],
    [12, 79, 579, 3240, 96098],
    [21, 45, 261, 1253, 453],
    [1, 72, 530, 4333, 0.104800],
]
ELSAYED_WEIGHTS = [0.104991, 0.069124, 0.071373, 0.449937, 0.304575]
