// placeholder until the expression language lands
