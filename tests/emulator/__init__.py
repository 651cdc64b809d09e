"""AWS emulator for cfnforge's deploy tests: moto's server plus CloudFormation models moto lacks."""
