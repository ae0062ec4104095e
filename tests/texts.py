"""Made-up article paragraphs shared by the tests: long enough for the classifier to call them text."""

P1 = (
    "The city council approved the new budget on Monday evening after a long and sometimes heated"
    " debate, and the mayor said that most of the money would go to the repair of roads and to two new schools."
)
P2 = (
    "Opposition members argued that the plan raised property taxes far too sharply for families on low"
    " incomes, and they said that they would ask for a second vote on the spending details in the spring."
)
P3 = (
    "A spokesperson for the mayor said on Tuesday that the city would publish the full list of the"
    " projects in the budget before the end of the month, so that residents could see where the money goes."
)
